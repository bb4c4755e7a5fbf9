// The `switchboard` executable: parses the command line and hands off to the library targets.
// Only this target bootstraps LoggingSystem/MetricsSystem. Each subcommand lives in its own file.
import ArgumentParser

@main
struct Switchboard: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switchboard",
        abstract: "An IVR / AI call-bot service: SIP/RTP in, call flows, an audio chat model, tools, call logs.",
        subcommands: [
            ServeCommand.self,
            DemoCommand.self,
            FlowsCommand.self,
            ConfigCommand.self,
            ChatCommand.self,
            CallsCommand.self,
            CallCommand.self,
            ToolsCommand.self,
            ReplayCommand.self,
            ModelServerCommand.self,
            AudioCommand.self,
            BenchCommand.self,
        ]
    )
}
