import Foundation

/// An executable of this package built beside the test bundle (`train`, `bench`, a chapter), run
/// as a real process with progress bars quieted.
public struct BuiltExecutable {
    public let path: String

    public init(_ name: String) {
        path = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(name).path
    }

    /// Starts it with `arguments`; its output goes to `pipe` (nowhere when nil).
    public func start(_ arguments: [String], output pipe: Pipe? = nil) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["LOSS_SURFACES_QUIET"] = "1"
        process.environment = environment
        process.standardOutput = pipe ?? FileHandle.nullDevice
        process.standardError = pipe ?? FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Waits for a process started with `pipe` and returns its exit status and output.
    public static func finish(_ process: Process, _ pipe: Pipe) -> (status: Int32, output: String) {
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Runs it to the end with `arguments`.
    public func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let pipe = Pipe()
        return Self.finish(try start(arguments, output: pipe), pipe)
    }

    /// Runs `command` with `/bin/sh -c` (quiet progress, as `start`); returns its status and output.
    public static func shell(_ command: String) throws -> (status: Int32, output: String) {
        try BuiltExecutable(path: "/bin/sh").run(["-c", command])
    }

    public init(path: String) { self.path = path }

    /// Starts a daemon with the shell `command` and waits for the command (not the daemon) to
    /// exit, returning its status. Python starts it with only stdin, stdout and stderr open (to
    /// /dev/null and `log`): a daemon keeps every descriptor it inherits, and one end of a pipe a
    /// test reads would never close.
    public static func daemonize(_ command: String, log: String) throws -> Int32 {
        let python = """
            import subprocess, sys
            with open(sys.argv[2], "a") as log:
                sys.exit(subprocess.call(sys.argv[1], shell=True, close_fds=True, stdin=subprocess.DEVNULL, stdout=log, stderr=log))
            """
        return try BuiltExecutable(path: "/usr/bin/env").run(["python3", "-c", python, command, log]).status
    }
}
