// CallLog: placeholder until its first type lands.
