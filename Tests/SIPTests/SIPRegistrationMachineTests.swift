// Issue 15: keeping a trunk registered, pure — the registration machine's back-off (exponential, jittered into
// the upper half, capped), refreshes, unregister on stop; SHA-256 digest (RFC 7616 §3.9.1 vector) and the
// preference for SHA-256 over MD5 when a registrar offers both (RFC 8760).
import Testing

@testable import SIP

@Suite struct SIPRegistrationMachineTests {
    @Test func registersBacksOffWithJitterAndUnregistersOnStop() {
        var machine = SIPRegistrationMachine(policy: .init(initial: .seconds(2), maximum: .seconds(20)), seed: 7)
        #expect(machine.handle(.start, at: .zero) == [.register])
        #expect(machine.handle(.registered(expires: 60), at: .seconds(1)).isEmpty)
        #expect(machine.isUp(at: .seconds(30)) && !machine.isUp(at: .seconds(62)))
        // A refresh the core sent fails: report and retry later, never at once.
        var retryAt = Duration.zero
        var now = Duration.seconds(50)
        var delays: [Duration] = []
        for failure in 1...6 {
            let actions = machine.handle(.failed(statusCode: 401), at: now)
            guard actions.count == 2, case .scheduleRetry(let at) = actions[1],
                actions[0] == .reportFailure(statusCode: 401, failures: failure, retryIn: at - now)
            else {
                Issue.record("unexpected \(actions)")
                return
            }
            retryAt = at
            delays.append(at - now)
            #expect(!machine.isUp(at: now))
            // Nothing happens before the retry is due; then one REGISTER.
            #expect(machine.handle(.retryDue, at: retryAt) == [.register])
            now = retryAt + .milliseconds(100)
        }
        // Upper half of 2, 4, 8, 16, 20, 20 s.
        let bounds: [Duration] = [.seconds(2), .seconds(4), .seconds(8), .seconds(16), .seconds(20), .seconds(20)]
        for (delay, bound) in zip(delays, bounds) { #expect(delay >= bound / 2 && delay <= bound, "\(delays)") }
        #expect(Set(delays.map { $0 / bounds[0] }).count > 1, "no jitter: \(delays)")
        #expect(machine.consecutiveFailures == 6)
        #expect(machine.handle(.registered(expires: 60), at: now).isEmpty)
        #expect(machine.consecutiveFailures == 0 && machine.isUp(at: now))
        // Stop: unregister, then finished when the registrar answers (expires 0).
        #expect(machine.handle(.stop, at: now) == [.unregister])
        #expect(machine.handle(.registered(expires: 0), at: now) == [.finished])
        #expect(machine.state == .stopped)
        #expect(machine.handle(.retryDue, at: now).isEmpty)
    }

    @Test func stopWhileFailedFinishesWithoutUnregister() {
        var machine = SIPRegistrationMachine(seed: 1)
        _ = machine.handle(.start, at: .zero)
        _ = machine.handle(.failed(statusCode: nil), at: .seconds(1))
        #expect(machine.handle(.stop, at: .seconds(2)) == [.finished])
        // A failed unregister also finishes.
        var other = SIPRegistrationMachine(seed: 2)
        _ = other.handle(.start, at: .zero)
        _ = other.handle(.registered(expires: 30), at: .zero)
        #expect(other.handle(.stop, at: .seconds(1)) == [.unregister])
        #expect(other.handle(.failed(statusCode: nil), at: .seconds(2)) == [.finished])
    }

    @Test func sha256DigestVectorAndPreference() throws {
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(String(repeating: "a", count: 1000)).hasPrefix("41edece42d63e8d9"))
        // RFC 7616 §3.9.1, SHA-256.
        let challenge = try #require(
            SIPDigest.parseChallenge(
                "Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm=SHA-256, nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\""))
        let header = try #require(
            SIPDigest.authorization(
                challenge: challenge, method: "GET", uri: "/dir/index.html",
                credentials: SIPCredentials(username: "Mufasa", password: "Circle of Life"),
                cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"))
        #expect(header.contains("response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\""), "\(header)")
        #expect(header.contains("algorithm=SHA-256"))
        #expect(SIPDigest.strength("SHA-256") > SIPDigest.strength("MD5") && !SIPDigest.supports("SHA-512-256"))

        // A registrar offering MD5 first and SHA-256 second is answered with SHA-256.
        var core = SIPUserAgentCore(config: SIPUserAgentConfig(local: SIPEndpoint(host: "127.0.0.1", port: 5080), seed: 3))
        let registrar = SIPEndpoint(host: "192.0.2.5", port: 5060)
        let registration = SIPRegistration(
            id: "pbx", registrar: try SIPURI(parsing: "sip:192.0.2.5"), aor: try SIPURI(parsing: "sip:1001@pbx.test"), nextHop: registrar,
            credentials: SIPCredentials(username: "1001", password: "pw"), expires: 120)
        let register = try #require(Peer.requests(core.handle(.command(.register(registration)), at: .zero)).first)
        var challenges = SIPHeaders()
        challenges.add("WWW-Authenticate", "Digest realm=\"pbx\", nonce=\"n1\", algorithm=MD5")
        challenges.add("WWW-Authenticate", "Digest realm=\"pbx\", nonce=\"n2\", algorithm=SHA-256")
        let retry = try #require(
            Peer.requests(core.handle(.datagram(register.makeResponse(401, toTag: "r", headers: challenges).serialized(), from: registrar), at: .milliseconds(10))).first)
        let authorization = try #require(retry.headers["Authorization"])
        #expect(authorization.contains("algorithm=SHA-256") && authorization.contains("nonce=\"n2\""), "\(authorization)")
        #expect(retry.callID == register.callID && retry.cseq?.sequence == 2)
        // Unregistering the live registration keeps its Call-ID (RFC 3261 §10.2).
        var unregister = registration
        unregister.expires = 0
        let bye = try #require(Peer.requests(core.handle(.command(.register(unregister)), at: .seconds(1))).first)
        #expect(bye.callID == register.callID && bye.headers["Expires"] == "0")
    }

    @Test func inboundDigestVerifierAcceptsItsOwnChallengesOnly() throws {
        let verifier = SIPDigestVerifier(realm: "switchboard", users: ["alice": "pw"], secret: "s3", nonceLifetime: .seconds(60))
        let now = Duration.seconds(1000)
        for value in verifier.challenges(at: now) {
            let challenge = try #require(SIPDigest.parseChallenge(value))
            let good = try #require(
                SIPDigest.authorization(
                    challenge: challenge, method: .invite, uri: "sip:x@127.0.0.1", credentials: SIPCredentials(username: "alice", password: "pw"),
                    cnonce: "c1"))
            #expect(verifier.verify(good, method: .invite, at: now + .seconds(5)), "\(challenge.algorithm)")
            // Stale nonce, wrong method, wrong password, unknown user, forged nonce.
            #expect(!verifier.verify(good, method: .invite, at: now + .seconds(61)))
            #expect(!verifier.verify(good, method: .bye, at: now))
            let wrong = try #require(
                SIPDigest.authorization(
                    challenge: challenge, method: .invite, uri: "sip:x@127.0.0.1", credentials: SIPCredentials(username: "alice", password: "no"),
                    cnonce: "c1"))
            #expect(!verifier.verify(wrong, method: .invite, at: now))
            var forged = challenge
            forged.nonce = "3e8.0000"
            let forgedAnswer = try #require(
                SIPDigest.authorization(
                    challenge: forged, method: .invite, uri: "sip:x@127.0.0.1", credentials: SIPCredentials(username: "alice", password: "pw"),
                    cnonce: "c1"))
            #expect(!verifier.verify(forgedAnswer, method: .invite, at: now))
        }
        #expect(verifier.challenges(at: now).contains { $0.contains("algorithm=SHA-256") })
    }
}
