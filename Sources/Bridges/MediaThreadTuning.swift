#if canImport(Glibc)
    import Glibc
#endif

/// Scheduling knobs for the media event loop's thread (Linux; no-ops elsewhere or when not permitted).
enum MediaThreadTuning {
    /// Sets the calling thread's timer slack to 1 ns (Linux default 50 µs), so the clock's wake-ups are not
    /// coalesced late. Returns false when /proc/thread-self/timerslack_ns cannot be written.
    @discardableResult
    static func tightenTimerSlack() -> Bool {
        #if os(Linux)
            let fd = open("/proc/thread-self/timerslack_ns", O_WRONLY)
            guard fd >= 0 else { return false }
            defer { close(fd) }
            let one: [UInt8] = [0x31]
            return one.withUnsafeBytes { write(fd, $0.baseAddress, 1) } == 1
        #else
            return false
        #endif
    }

    /// Puts the calling thread under SCHED_FIFO at `priority` (1–99), as media servers do for their timing
    /// thread. Needs CAP_SYS_NICE (or an RLIMIT_RTPRIO); returns false when refused.
    @discardableResult
    static func useRealtimeScheduling(priority: Int32) -> Bool {
        #if os(Linux)
            var param = sched_param()
            param.sched_priority = priority
            return pthread_setschedparam(pthread_self(), Int32(SCHED_FIFO), &param) == 0
        #else
            return false
        #endif
    }
}
