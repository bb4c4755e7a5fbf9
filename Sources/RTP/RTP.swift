// RTP: placeholder until its first type lands.
