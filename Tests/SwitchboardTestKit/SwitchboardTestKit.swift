// SwitchboardTestKit: helpers the tests share (real audio from espeak-ng and sox, temporary folders, builders).
// Production code never imports it.
