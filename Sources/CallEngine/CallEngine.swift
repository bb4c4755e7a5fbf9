// CallEngine: the wiring of one call, transport-agnostic. Owns `CallSession` (one actor per call), the
// `TurnDetector` (VAD endpointing + barge-in), the clocks (`RealCallClock`, `VirtualClock`), the outbound frame
// queue the media clock pulls from, espeak-ng prompts, and the ports adapters implement: `MediaIn`/`MediaOut`,
// `ConversationModel`, `ToolRunner`, `CallEventSink`, `SpeechSynthesizer`, `CallClock`.
// May import: Audio, Flows, CEspeakNG, Logging. Never ModelClient, CallLog, Tools or Bridges (they adapt to the
// ports here; `Server` wires them).
