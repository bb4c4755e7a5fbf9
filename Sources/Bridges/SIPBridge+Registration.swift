// Bridges: REGISTER with trunks through the bridge's UA core (issue 15). The core sends the REGISTER, answers
// 401/407 with digest and refreshes a live registration before it expires; what becomes of each attempt goes to
// `Configuration.registrationEvents` (the server's trunk registrar decides about retries and health).
public import SIP

/// What became of a registration attempt or refresh.
public enum SIPRegistrationOutcome: Sendable, Equatable {
    /// Accepted for `expires` seconds (0: an unregister was accepted).
    case registered(expires: Int)
    /// Refused with `statusCode` (after digest, for 401/407), or no answer (nil).
    case failed(statusCode: Int?)
}

extension SIPBridge {
    /// Sends REGISTER (or, with `expires` 0, unregisters) from the UDP core; safe from any thread.
    public func register(_ registration: SIPRegistration) {
        eventLoop.execute { [self] in
            guard let channel, channel.isActive else {
                configuration.registrationEvents?(registration.id, .failed(statusCode: nil))
                return
            }
            command(.register(registration))
        }
    }

    func registrationOutcome(id: String, _ outcome: SIPRegistrationOutcome) {
        configuration.registrationEvents?(id, outcome)
    }
}
