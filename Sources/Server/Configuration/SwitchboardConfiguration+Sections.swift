// Server: decoding of the configuration's sections. Synthesized Decodable would require every key of a
// section; here each key is optional and what the file omits keeps its embedded default.

extension SwitchboardConfiguration.SIP {
    public init(from decoder: any Decoder) throws {
        self.init()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        listen = try c.decodeIfPresent(String.self, forKey: .listen) ?? listen
        publicAddress = try c.decodeIfPresent(String.self, forKey: .publicAddress)
        rtpPorts = try c.decodeIfPresent(String.self, forKey: .rtpPorts) ?? rtpPorts
        codecs = try c.decodeIfPresent([String].self, forKey: .codecs) ?? codecs
    }
}

extension SwitchboardConfiguration.FlowSettings {
    enum CodingKeys: String, CodingKey {
        case dir, numbers
    }

    public init(from decoder: any Decoder) throws {
        self.init()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        dir = try c.decodeIfPresent(String.self, forKey: .dir) ?? dir
        numbers = try c.decodeIfPresent([String: String].self, forKey: .numbers) ?? numbers
    }
}

extension SwitchboardConfiguration.Model {
    public init(from decoder: any Decoder) throws {
        self.init()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        provider = try c.decodeIfPresent(String.self, forKey: .provider) ?? provider
        baseURL = try c.decodeIfPresent(String.self, forKey: .baseURL)
        model = try c.decodeIfPresent(String.self, forKey: .model)
        cassettes = try c.decodeIfPresent(String.self, forKey: .cassettes)
    }
}

extension SwitchboardConfiguration.CallLogSettings {
    enum CodingKeys: String, CodingKey {
        case db
        case recordingsDir = "recordings_dir"
    }

    public init(from decoder: any Decoder) throws {
        self.init()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        db = try c.decodeIfPresent(String.self, forKey: .db) ?? db
        recordingsDir = try c.decodeIfPresent(String.self, forKey: .recordingsDir) ?? recordingsDir
    }
}

extension SwitchboardConfiguration.Admin {
    public init(from decoder: any Decoder) throws {
        self.init()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        listen = try c.decodeIfPresent(String.self, forKey: .listen) ?? listen
        tokenEnv = try c.decodeIfPresent(String.self, forKey: .tokenEnv) ?? tokenEnv
    }
}

extension SwitchboardConfiguration.ToolSettings {
    public init(from decoder: any Decoder) throws {
        self.init()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        accountsDB = try c.decodeIfPresent(String.self, forKey: .accountsDB) ?? accountsDB
        accountsCSV = try c.decodeIfPresent(String.self, forKey: .accountsCSV) ?? accountsCSV
        webhookAllow = try c.decodeIfPresent([String].self, forKey: .webhookAllow) ?? webhookAllow
        maxCallsPerTurn = try c.decodeIfPresent(Int.self, forKey: .maxCallsPerTurn) ?? maxCallsPerTurn
        maxCallsPerCall = try c.decodeIfPresent(Int.self, forKey: .maxCallsPerCall) ?? maxCallsPerCall
    }
}
