import ArgumentParser

@main
struct FlowStudy: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "flowstudy")
}
