// Test tags shared by every test target. `.integration` marks tests that use real sockets, real peers
// (sipp, baresip, kamailio, espeak-ng, sox) or child processes; the unit group is everything else:
//   swift test --skip-build --filter <Suite> --skip-tags integration   (Swift Testing's tag filter)
// The README's test command runs both groups.

public import Testing

extension Tag {
    /// Real sockets, real peers or child processes: slower, run apart from the unit group.
    @Tag public static var integration: Self
}
