// Audio: placeholder until its first type lands.
