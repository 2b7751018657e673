import Foundation

/// Headless Chromium, when installed: renders SVG figures to PNG (`--screenshot`) and pages to PDF
/// (`--print-to-pdf`). Each call uses a fresh profile folder, so calls may run side by side.
public struct HeadlessChromium: Sendable {
    /// The executable.
    public var executable: String

    /// `$FLOWSTUDY_CHROMIUM`, or the first of `chromium`, `chromium-browser`, `google-chrome` found in the usual
    /// places; nil when none is installed.
    public static func find() -> HeadlessChromium? {
        var candidates: [String] = []
        if let explicit = ProcessInfo.processInfo.environment["FLOWSTUDY_CHROMIUM"], !explicit.isEmpty { candidates.append(explicit) }
        for folder in ["/usr/bin", "/usr/local/bin", "/snap/bin", "/opt/google/chrome"] {
            for name in ["chromium", "chromium-browser", "google-chrome"] { candidates.append(folder + "/" + name) }
        }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }.map { HeadlessChromium(executable: $0) }
    }

    /// A failed rendering.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// What was being rendered, and Chromium's last words.
        public var description: String
    }

    /// Renders `file` (an SVG or HTML file) to a PNG of `width` × `height` pixels at `output`.
    public func screenshot(_ file: String, to output: String, width: Int, height: Int) throws {
        try run(["--screenshot=\(output)", "--window-size=\(width),\(height)", "--hide-scrollbars",
                 "--default-background-color=ffffffff"], file, output)
    }

    /// Prints `file` (an HTML page) to a PDF at `output`, without Chromium's header and footer.
    public func printToPDF(_ file: String, to output: String) throws {
        try run(["--print-to-pdf=\(output)", "--no-pdf-header-footer"], file, output)
    }

    private func run(_ options: [String], _ file: String, _ output: String) throws {
        let profile = NSTemporaryDirectory() + "flowstudy-chromium-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: profile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(profile)"] + options
            + [URL(fileURLWithPath: file).absoluteString]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do { try process.run() } catch { throw Failure(description: "\(file): cannot start \(executable): \(error)") }
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, FileManager.default.fileExists(atPath: output) else {
            let tail = String(decoding: stderr.suffix(400), as: UTF8.self)
            throw Failure(description: "\(file): Chromium exited with \(process.terminationStatus): \(tail)")
        }
    }
}
