// ModelClient: placeholder until its first type lands.
