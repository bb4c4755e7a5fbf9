// Flows: placeholder until its first type lands.
