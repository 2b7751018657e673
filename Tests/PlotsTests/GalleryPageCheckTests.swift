import Foundation
import Testing
import TestSupport
import FCS
import Gating
import Simulation
@testable import Plots

/// The gallery's pages as a browser lays them out: headless Chromium loads each page in a window narrower than a
/// strip of samples, and the page script records how far the page overflows to the right and how many tick-label
/// boxes overlap, measured by the browser with its own fonts.
@Suite("Gallery pages in headless Chromium")
struct GalleryPageCheckTests {
    /// What the page script wrote on the body, read from Chromium's DOM dump.
    static func attribute(_ name: String, in dom: String) -> Int? {
        guard let range = dom.range(of: name + #"="(\d+)""#, options: .regularExpression) else { return nil }
        return Int(dom[range].filter(\.isNumber))
    }

    @Test("strips wrap in a 760-pixel window, no tick labels overlap, every image loads",
          .enabled(if: ChromiumCheck.executable != nil, "Chromium is absent (Debian package chromium; .ci/run installs it): page check skipped"))
    func pagesWrap() throws {
        let chromium = try #require(ChromiumCheck.executable)
        let folder = try TemporaryDirectory()
        var entries: [ReviewGallery.Entry] = []
        for s in 1...6 {
            let path = folder.path("P\(s).fcs")
            try FCSWriter().write(try MacrophageSimulator(events: 6_000, seed: UInt64(70 + s)).simulate().sample, to: path)
            entries.append(.init(id: "P\(s)", file: path, subject: "S\(s)", condition: "UT"))
        }
        let fmo = folder.path("P1_FMO_CD206.fcs")
        try FCSWriter().write(try MacrophageSimulator(events: 3_000, seed: 71, fmoMarker: "CD206").simulate().sample, to: fmo)
        entries.append(.init(id: "P1_FMO_CD206", file: fmo, subject: "S1", condition: "UT", controlType: "FMO", controlMarker: "CD206"))
        let templatePath = SharedData.repositoryRoot.appendingPathComponent("gating-templates/mdm-macrophages.json").path
        let text = try String(contentsOfFile: templatePath, encoding: .utf8)
        let gallery = ReviewGallery(template: try TemplateReader.read(text, name: "mdm-macrophages.json"), templateText: text, entries: entries,
                                    jobs: 2, size: 220)
        let out = folder.path("gallery")
        let result = try gallery.build(in: out)
        #expect(result.failures.isEmpty)
        // Seven 220-pixel plots with axes are far wider than 760 pixels: the strips must wrap.
        for page in ["index.html", "gate_3.html", "gate_5.html", "sample_0.html", "sample_6.html"] {
            let profile = try TemporaryDirectory("chromium-profile")
            let url = URL(fileURLWithPath: out).appendingPathComponent(page).absoluteString
            let load = run(chromium, ["--headless=new", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(profile.url.path)", "--window-size=760,1000",
                                      "--hide-scrollbars", "--enable-logging=stderr", "--v=0", "--virtual-time-budget=5000", "--dump-dom", url])
            #expect(load.status == 0, "\(page): \(load.stderr.suffix(1000))")
            #expect(Self.attribute("data-broken-images", in: load.stdout) == 0, "\(page)")
            #expect(Self.attribute("data-overflow", in: load.stdout) == 0, "\(page) runs off the right edge")
            #expect(Self.attribute("data-label-overlaps", in: load.stdout) == 0, "\(page): tick labels overlap")
            let console = load.stderr.split(separator: "\n").filter { $0.contains(":CONSOLE") }
            #expect(console.isEmpty, "\(page): \(console)")
        }
        // The filters work in the browser: preselected by the fragment, they hide the other samples' plots.
        let profile = try TemporaryDirectory("chromium-profile")
        let filtered = run(chromium, ["--headless=new", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(profile.url.path)", "--window-size=760,1000",
                                      "--virtual-time-budget=5000", "--dump-dom",
                                      URL(fileURLWithPath: out).appendingPathComponent("gate_5.html").absoluteString + "#subject=S1"])
        #expect(filtered.stdout.contains(">2 of 7 shown<"), "P1 and its FMO tube are subject S1")
        #expect(filtered.stdout.components(separatedBy: "<figure").count - 1 == 7)
        #expect(filtered.stdout.components(separatedBy: " hidden=\"\"").count - 1 == 5, "five plots of other subjects hidden")
        let fmoOnly = run(chromium, ["--headless=new", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(profile.url.path)", "--window-size=760,1000",
                                     "--virtual-time-budget=5000", "--dump-dom",
                                     URL(fileURLWithPath: out).appendingPathComponent("index.html").absoluteString + "#kind=FMO%20CD206"])
        #expect(fmoOnly.stdout.contains(">1 of 7 shown<"))
        // The strips of plots carry their axes: every figure on a gate page has tick labels.
        let gatePage = try String(contentsOfFile: out + "/gate_5.html", encoding: .utf8)
        #expect(gatePage.components(separatedBy: "<figure").count - 1 == 7)
        #expect(gatePage.components(separatedBy: "class=\"x-ticks\"").count - 1 == 7)
        #expect(gatePage.contains("FMO CD206: P1_FMO_CD206"), "the FMO's legend on P1's CD206 histogram")
    }
}
