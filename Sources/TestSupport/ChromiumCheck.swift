import Foundation

/// Loads a page in headless Chromium (`--dump-dom`) and reads back what the page script recorded: the count of
/// images that failed to load (`data-broken-images` on the body) and the page's console messages.
public enum ChromiumCheck {
    /// Chromium, when installed.
    public static let executable: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// What a load showed.
    public struct Outcome: Sendable {
        /// Chromium's exit status.
        public var status: Int32
        /// `data-broken-images` on the body after load; nil when the script never ran.
        public var brokenImages: Int?
        /// The page's console lines (Chromium logs them as `INFO:CONSOLE`).
        public var consoleMessages: [String]
        /// Chromium's standard error, for messages.
        public var stderr: String
    }

    /// Loads `page`; nil when Chromium is absent.
    public static func load(_ page: URL) throws -> Outcome? {
        guard let chromium = executable else { return nil }
        let profile = try TemporaryDirectory("chromium-profile")
        let result = run(chromium, ["--headless=new", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(profile.url.path)",
                                    "--enable-logging=stderr", "--v=0", "--virtual-time-budget=5000", "--dump-dom", page.absoluteString])
        var broken: Int?
        if let range = result.stdout.range(of: #"data-broken-images="(\d+)""#, options: .regularExpression) {
            broken = Int(result.stdout[range].filter(\.isNumber))
        }
        let console = result.stderr.split(separator: "\n").filter { $0.contains(":CONSOLE") }.map(String.init)
        return Outcome(status: result.status, brokenImages: broken, consoleMessages: console, stderr: result.stderr)
    }
}
