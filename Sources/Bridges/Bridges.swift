// Bridges: transports that turn a call into media in / media out.
// Owns: the SIP user agent over SwiftNIO UDP (`SIPTransportNIO`, `SIPBridge`), the RTP media engine
// (`MediaEngine`: per-call RTP sockets on one media event loop, one shared 20 ms tick), and the built-in
// diagnostic call handlers (`echo`, `tone`, `dtmf`, `transfer`).
// May import: SIP, RTP, Audio, NIO, Logging (and later CallEngine). No other adapters.
