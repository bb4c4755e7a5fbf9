// SIP: placeholder until its first type lands.
