// RTP: pure RTP/RTCP packet logic for Switchboard's media path.
// Owns: RTP header parse/serialize (`RTPHeader`, `RTPPacket`), RTCP SR/RR/SDES/BYE (`RTCPPacket`),
// receive bookkeeping (`RTPReceiver`: SSRC lock, extended sequence, loss, RFC 3550 jitter), the adaptive
// `JitterBuffer`, send bookkeeping (`RTPSender`), RFC 4733 telephone-events (`TelephoneEvent`,
// `TelephoneEventSender`, `TelephoneEventReceiver`) and the media port allocator (`MediaPortAllocator`).
// May import: Audio (nothing else). No sockets, no clock reads: callers pass arrival times in.
