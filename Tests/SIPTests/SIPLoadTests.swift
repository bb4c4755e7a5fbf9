import Testing
@testable import SIP

/// Many overlapping calls through one UA core on virtual time (what `bench-calls.sh` does at 300 calls/s):
/// every call completes, and once the timers have run out no call or transaction is left behind.
@Suite struct SIPLoadTests {
    /// Virtual timers: performs start/cancel actions and fires due timers in deadline order (a binary heap
    /// with lazy deletion, so thousands of pending timers stay cheap).
    struct Timers {
        var pending: [SIPUATimerID: (deadline: Duration, serial: Int)] = [:]
        private var heap: [(deadline: Duration, serial: Int, id: SIPUATimerID)] = []
        private var serial = 0

        mutating func apply(_ actions: [SIPUAAction]) {
            for action in actions {
                switch action {
                case .startTimer(let id, let deadline):
                    serial += 1
                    pending[id] = (deadline, serial)
                    push((deadline, serial, id))
                case .cancelTimer(let id): pending[id] = nil
                default: break
                }
            }
        }

        /// Fires every timer due by `time` (and timers they start that are due too).
        mutating func run(until time: Duration, core: inout SIPUserAgentCore) -> [SIPUAAction] {
            var all: [SIPUAAction] = []
            while let top = heap.first, top.deadline <= time {
                pop()
                guard pending[top.id]?.serial == top.serial else { continue }  // cancelled or restarted
                pending[top.id] = nil
                let actions = core.handle(.timerFired(top.id), at: top.deadline)
                apply(actions)
                all += actions
            }
            return all
        }

        private static func before(_ a: (deadline: Duration, serial: Int, id: SIPUATimerID), _ b: (deadline: Duration, serial: Int, id: SIPUATimerID)) -> Bool {
            a.deadline < b.deadline || (a.deadline == b.deadline && a.serial < b.serial)
        }

        private mutating func push(_ entry: (deadline: Duration, serial: Int, id: SIPUATimerID)) {
            heap.append(entry)
            var i = heap.count - 1
            while i > 0, Self.before(heap[i], heap[(i - 1) / 2]) {
                heap.swapAt(i, (i - 1) / 2)
                i = (i - 1) / 2
            }
        }

        private mutating func pop() {
            heap.swapAt(0, heap.count - 1)
            heap.removeLast()
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < heap.count, Self.before(heap[l], heap[m]) { m = l }
                if r < heap.count, Self.before(heap[r], heap[m]) { m = r }
                if m == i { return }
                heap.swapAt(i, m)
                i = m
            }
        }
    }

    @Test func fifteenHundredCallsAtThreeHundredPerSecondLeaveNothingBehind() throws {
        var peer = Peer()
        var timers = Timers()
        let calls = 1500
        var ended = 0
        var answered: [Int: SIPResponse] = [:]
        // Call i: INVITE at i·3.33 ms, answered at once, ACK 5 ms later, BYE 50 ms after that.
        var events: [(at: Duration, call: Int, step: Int)] = []
        for i in 0..<calls {
            let start = Duration.microseconds(i * 3333)
            events += [(start, i, 0), (start + .milliseconds(5), i, 1), (start + .milliseconds(55), i, 2)]
        }
        events.sort { $0.at < $1.at }
        func tagged(_ request: SIPRequest, _ i: Int) -> SIPRequest {
            var request = request
            request.headers.callID = "load-\(i)@192.0.2.1"
            return request
        }
        for event in events {
            _ = timers.run(until: event.at, core: &peer.core)
            peer.now = event.at
            switch event.step {
            case 0:
                let actions = peer.deliver(.request(tagged(Peer.invite(branch: "z9hG4bK-inv-\(event.call)"), event.call)))
                timers.apply(actions)
                let call = try #require(actions.compactMap { if case .incomingCall(let c) = $0 { c } else { nil } }.first)
                let answer = peer.command(.answer(callID: call.callID, rtpPort: 40000 + 2 * (event.call % 1000)))
                timers.apply(answer)
                let ok = try #require(Peer.responses(answer).first(where: { $0.statusCode == 200 }))
                answered[event.call] = ok
            case 1:
                let ok = try #require(answered[event.call])
                let ack = tagged(Peer.inDialog(.ack, response: ok, cseq: 1, branch: "z9hG4bK-ack-\(event.call)"), event.call)
                let actions = peer.deliver(.request(ack))
                timers.apply(actions)
                #expect(actions.contains(.callEstablished(callID: "load-\(event.call)@192.0.2.1")))
            default:
                let removed = answered.removeValue(forKey: event.call)
                let ok = try #require(removed)
                let bye = tagged(Peer.inDialog(.bye, response: ok, cseq: 2, branch: "z9hG4bK-bye-\(event.call)"), event.call)
                let actions = peer.deliver(.request(bye))
                timers.apply(actions)
                #expect(Peer.responses(actions).map(\.statusCode) == [200])
                if actions.contains(.callEnded(callID: "load-\(event.call)@192.0.2.1", reason: .remoteHangUp)) { ended += 1 }
            }
        }
        #expect(ended == calls)
        #expect(peer.core.activeCallCount == 0)
        // Transactions linger only for their absorb timers (J, L, I: at most 64·T1 = 32 s), then all are gone.
        let late = timers.run(until: .seconds(5 + 40), core: &peer.core)
        #expect(!late.contains { if case .send = $0 { true } else { false } }, "no retransmissions: every 2xx was ACKed")
        #expect(peer.core.transactionCount == 0)
        #expect(timers.pending.isEmpty)
    }
}
