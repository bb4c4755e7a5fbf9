// Server: placeholder until its first type lands.
