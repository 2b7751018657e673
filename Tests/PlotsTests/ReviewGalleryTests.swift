import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import TestSupport
import FCS
import Gating
import Simulation
@testable import Plots

/// The gate-review gallery: five simulated tubes, one of which has far more CD206+ macrophages than the rest.
@Suite("Review gallery")
struct ReviewGalleryTests {
    static let templatePath = SharedData.repositoryRoot.appendingPathComponent("gating-templates/mdm-macrophages.json").path

    /// Writes five tubes; `P5` carries CD206 on 95 % of macrophages instead of the simulator's default.
    static func writeSamples(in folder: TemporaryDirectory) throws -> [ReviewGallery.Entry] {
        var entries: [ReviewGallery.Entry] = []
        for s in 1...5 {
            var simulator = MacrophageSimulator(events: 8_000, seed: UInt64(40 + s))
            if s == 5, let cd206 = simulator.expression["CD206"] {
                simulator.expression["CD206"] = .init(fractionPositive: 0.95, positiveMedian: cd206.positiveMedian, sigma: cd206.sigma)
            }
            let path = folder.path("P\(s).fcs")
            try FCSWriter().write(try simulator.simulate().sample, to: path)
            entries.append(.init(id: "P\(s)", file: path))
        }
        return entries
    }

    static func gallery(_ text: String, _ entries: [ReviewGallery.Entry]) throws -> ReviewGallery {
        let template = try TemplateReader.read(text, name: "mdm-macrophages.json")
        return ReviewGallery(template: template, templateText: text, entries: entries, jobs: 2, size: 120)
    }

    /// Every `src` of every `<img>`, read with an XML parser (which fails on a page that is not well formed).
    final class ImageSources: NSObject, XMLParserDelegate {
        var sources: [String] = []
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            if name == "img", let src = attributes["src"] { sources.append(src) }
        }
    }

    @Test("every page parses, every image it names exists and decodes, and the odd sample is flagged first")
    func galleryIsWhole() throws {
        let folder = try TemporaryDirectory()
        let entries = try Self.writeSamples(in: folder)
        let text = try String(contentsOfFile: Self.templatePath, encoding: .utf8)
        let out = folder.path("gallery")
        let result = try Self.gallery(text, entries).build(in: out)
        #expect(result.failures.isEmpty)
        // 5 samples × 10 gates with axes, all drawn on a first run.
        #expect(result.cells.count == 50)
        #expect(result.cells.filter(\.drawn).count == 50)

        let pages = try FileManager.default.contentsOfDirectory(atPath: out).filter { $0.hasSuffix(".html") }.sorted()
        #expect(pages.count == 1 + 10 + 5, "index, a page per gate, a page per sample")
        for page in pages {
            let parser = try #require(XMLParser(contentsOf: URL(fileURLWithPath: out).appendingPathComponent(page)))
            let sources = ImageSources()
            parser.delegate = sources
            #expect(parser.parse(), "\(page) parses: \(String(describing: parser.parserError))")
            #expect(!sources.sources.isEmpty, "\(page) shows images")
            for src in Set(sources.sources) {
                #expect(!src.contains("://") && !src.hasPrefix("/"), "\(src): relative, no external asset")
                let bytes = try #require(FileManager.default.contents(atPath: URL(fileURLWithPath: out).appendingPathComponent(src).path), "\(src) exists")
                let image = try PNGDecoder.decode([UInt8](bytes))
                // A 2-D density is square; a 1-D histogram two thirds as tall.
                #expect(image.width == 120 && (image.height == 120 || image.height == 80), "\(src): \(image.width)×\(image.height)")
            }
        }

        // The outlier, computed here from the cells: CD206+ % of P5 against the median ± 3 MAD of the five.
        let cd206 = result.cells.filter { $0.population == "CD206+" }.compactMap(\.percent)
        #expect(cd206.count == 5)
        let sorted = cd206.sorted()
        let median = sorted[2]
        let mad = cd206.map { abs($0 - median) }.sorted()[2]
        let p5 = try #require(result.cells.first { $0.sample == "P5" && $0.population == "CD206+" }?.percent)
        #expect(p5 > 80 && median < 60, "P5 carries CD206 on most macrophages: \(p5) vs median \(median)")
        #expect(abs(p5 - median) > 3 * mad)
        #expect(result.outliers.contains { $0.0 == "CD206+" && $0.1 == "P5" })
        #expect(!result.outliers.contains { $0.1 != "P5" && $0.0 == "CD206+" })
        // Listed before the grid, and the grid cell is marked.
        let index = try String(contentsOfFile: (out as NSString).appendingPathComponent("index.html"), encoding: .utf8)
        let outlierRow = try #require(index.range(of: "<td>CD206+</td><td><a href=\"sample_4.html\">P5</a>"))
        // A first run has nothing to compare with, and says so instead of "Nothing changed".
        #expect(result.firstRun)
        #expect(index.contains("First run") && !index.contains("Changed since the last run"))
        let grid = try #require(index.range(of: "Samples × gates"))
        #expect(outlierRow.lowerBound < grid.lowerBound)
        #expect(index.contains("class=\"flag\"><img src=\"\(try #require(result.cells.first { $0.sample == "P5" && $0.population == "CD206+" }).image)\""))
    }

    @Test("an override is drawn for its sample only, listed first with its reason, and a changed override redraws that sample")
    func overridesListedFirst() throws {
        let folder = try TemporaryDirectory()
        let entries = try Self.writeSamples(in: folder)
        let text = try String(contentsOfFile: Self.templatePath, encoding: .utf8)
        let template = try TemplateReader.read(text, name: "mdm-macrophages.json")
        // P2's CD206+ threshold raised from 0.5 to 0.7 (logicle units), with its reason.
        func overrides(_ minimum: String) throws -> GateOverrides {
            try GateOverrides.read(#"{"format": "flowstudy-overrides/1", "samples": {"P2": {"CD206+": {"reason": "FMO of this day runs high", "gate": {"type": "rectangle", "dimensions": [{"marker": "CD206", "compensated": true, "transform": "logicle", "min": "#
                                   + minimum + "}]}}}}}", name: "o.json", template: template, sampleIDs: Set(entries.map(\.id)))
        }
        let out = folder.path("gallery")
        let gallery = ReviewGallery(template: template, templateText: text, entries: entries, jobs: 2, size: 120, overrides: try overrides("0.7"))
        let result = try gallery.build(in: out)
        #expect(result.failures.isEmpty)

        // The %s the engine gives each sample with the template, and with a copy of the template whose CD206+
        // threshold is 0.7: computed apart from the overrides code.
        let raised = try TemplateReader.read(text.replacingOccurrences(of: #""marker": "CD206", "compensated": true, "transform": "logicle", "min": 0.5"#,
                                                                       with: #""marker": "CD206", "compensated": true, "transform": "logicle", "min": 0.7"#),
                                             name: "raised.json")
        for entry in entries {
            let sample = try FCSFile.readSample(entry.file)
            let plain = try GatingEngine.evaluate(try template.strategy(for: sample), on: sample).percentOfParent("CD206+")
            let overridden = try GatingEngine.evaluate(try raised.strategy(for: sample), on: sample).percentOfParent("CD206+")
            if entry.id == "P2" { #expect(overridden < plain, "the raised threshold keeps fewer events") }
            let cell = try #require(result.cells.first { $0.sample == entry.id && $0.population == "CD206+" })
            let expected = entry.id == "P2" ? overridden : plain
            #expect(abs((cell.percent ?? .nan) - expected) < 1e-9, "\(entry.id)")
            #expect(cell.source == (entry.id == "P2" ? "override" : nil))
        }
        let p2 = try #require(result.cells.first { $0.sample == "P2" && $0.population == "CD206+" })
        #expect(p2.flags == ["REASON:FMO of this day runs high"])

        let index = try String(contentsOfFile: (out as NSString).appendingPathComponent("index.html"), encoding: .utf8)
        let listed = try #require(index.range(of: "<td>CD206+</td><td><a href=\"sample_1.html\">P2</a></td><td>override</td><td>FMO of this day runs high</td>"))
        let outliers = try #require(index.range(of: "id=\"outliers\""))
        #expect(listed.lowerBound < outliers.lowerBound, "overrides come before the outliers")
        let page = try String(contentsOfFile: (out as NSString).appendingPathComponent("sample_1.html"), encoding: .utf8)
        #expect(page.contains("<b>override</b>: FMO of this day runs high"))

        // A changed override redraws P2's cells only (its key holds the override); the others are reused.
        let again = try ReviewGallery(template: template, templateText: text, entries: entries, jobs: 2, size: 120, overrides: try overrides("0.8")).build(in: out)
        #expect(Set(again.cells.filter(\.drawn).map(\.sample)) == ["P2"])
    }

    @Test("a rerun after a one-gate edit redraws only that gate's cells, and says what moved")
    func rerunRedrawsOnlyTheEditedGate() throws {
        let folder = try TemporaryDirectory()
        let entries = try Self.writeSamples(in: folder)
        let text = try String(contentsOfFile: Self.templatePath, encoding: .utf8)
        let out = folder.path("gallery")
        let first = try Self.gallery(text, entries).build(in: out)
        let manifest = (out as NSString).appendingPathComponent("manifest.json")
        func keys() throws -> [String: String] {
            let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: manifest))) as? [String: Any])
            let cells = try #require(json["cells"] as? [[String: Any]])
            return Dictionary(uniqueKeysWithValues: cells.compactMap { c in
                (c["sample"] as? String).flatMap { s in (c["population"] as? String).flatMap { p in (c["key"] as? String).map { ("\(s)/\(p)", $0) } } }
            })
        }
        let before = try keys()
        #expect(before.count == 50)

        // The same template again: nothing to draw.
        let same = try Self.gallery(text, entries).build(in: out)
        #expect(same.cells.filter(\.drawn).isEmpty)
        #expect(same.changes.isEmpty)
        #expect(try keys() == before)

        #expect(!same.firstRun)
        let rerunIndex = try String(contentsOfFile: (out as NSString).appendingPathComponent("index.html"), encoding: .utf8)
        #expect(rerunIndex.contains("Changed since the last run") && rerunIndex.contains("No gate % changed.") && !rerunIndex.contains("First run"))
        // Raise the CD206+ threshold: only the five CD206+ cells change key and are drawn.
        let cd206Line = #""dimensions": [{"marker": "CD206", "compensated": true, "transform": "logicle", "min": 0.5}]"#
        #expect(text.contains(cd206Line))
        let edited = text.replacingOccurrences(of: cd206Line, with: cd206Line.replacingOccurrences(of: "0.5}", with: "0.62}"))
        let rerun = try Self.gallery(edited, entries).build(in: out)
        let after = try keys()
        let changedKeys = Set(after.filter { before[$0.key] != $0.value }.map(\.key))
        #expect(changedKeys == Set((1...5).map { "P\($0)/CD206+" }))
        #expect(Set(rerun.cells.filter(\.drawn).map { "\($0.sample)/\($0.population)" }) == changedKeys)
        // A higher threshold keeps fewer events: every change is a CD206+ drop, reported.
        #expect(!rerun.changes.isEmpty && rerun.changes.allSatisfy { $0.0 == "CD206+" })
        for cell in rerun.cells where cell.population == "CD206+" {
            let old = try #require(first.cells.first { $0.sample == cell.sample && $0.population == "CD206+" }?.percent)
            #expect(try #require(cell.percent) < old)
        }
        // The rerun started from the stored events of each parent (cells, singlets, live, macrophages per sample);
        // its %s are those of gating the whole tree afresh with the edited template.
        let stored = try FileManager.default.contentsOfDirectory(atPath: (out as NSString).appendingPathComponent("events"))
        #expect(stored.count == 5 * 4)
        let editedTemplate = try TemplateReader.read(edited, name: "edited.json")
        for entry in entries {
            let sample = try FCSFile.readSample(entry.file)
            let fresh = try GatingSession(strategy: editedTemplate.strategy(for: sample), sample: sample)
            for cell in rerun.cells where cell.sample == entry.id {
                #expect(cell.percent == fresh.result.percentOfParent(cell.population), "\(entry.id) \(cell.population)")
            }
        }
        // Images no cell uses any more are gone.
        let images = try FileManager.default.contentsOfDirectory(atPath: (out as NSString).appendingPathComponent("img"))
        #expect(images.count == 50)

        // Editing an ancestor (the live gate) redraws it and everything under it, but not cells or singlets.
        let liveLine = #""dimensions": [{"marker": "Viability", "compensated": true, "transform": "logicle", "max": 0.6}]"#
        let ancestorEdit = edited.replacingOccurrences(of: liveLine, with: liveLine.replacingOccurrences(of: "0.6}", with: "0.58}"))
        let third = try Self.gallery(ancestorEdit, entries).build(in: out)
        #expect(Set(third.cells.filter(\.drawn).map(\.population)) == Set(["live", "macrophages", "CD86+", "CD206+", "CD163+", "CD204+", "TLR4+", "HLA-DR+"]))
    }

    @Test("headless Chromium loads the gallery from disk with no broken image and no console error",
          .enabled(if: ChromiumCheck.executable != nil, "Chromium is absent (Debian package chromium; .ci/run installs it): browser check skipped"))
    func chromiumLoadsTheGallery() throws {
        let folder = try TemporaryDirectory()
        let entries = try Array(Self.writeSamples(in: folder).prefix(3))
        let text = try String(contentsOfFile: Self.templatePath, encoding: .utf8)
        let out = folder.path("gallery")
        _ = try Self.gallery(text, entries).build(in: out)
        for page in ["index.html", "gate_5.html", "sample_0.html"] {
            let check = try #require(try ChromiumCheck.load(URL(fileURLWithPath: out).appendingPathComponent(page)))
            #expect(check.status == 0, "chromium: \(check.stderr.suffix(2000))")
            #expect(check.brokenImages == 0, "\(page): \(check.brokenImages.map(String.init) ?? "no count: the page script did not run")")
            #expect(check.consoleMessages.isEmpty, "\(page): \(check.consoleMessages)")
        }
        // The check itself fails on a broken page: a missing image is counted, a script error is seen.
        let broken = folder.path("gallery/broken.html")
        let index = try String(contentsOfFile: (out as NSString).appendingPathComponent("index.html"), encoding: .utf8)
        try index.replacingOccurrences(of: "img/", with: "missing/").replacingOccurrences(of: "<body>", with: "<body><script>undefinedFunction();</script>")
            .write(toFile: broken, atomically: false, encoding: .utf8)
        let bad = try #require(try ChromiumCheck.load(URL(fileURLWithPath: broken)))
        #expect((bad.brokenImages ?? 0) > 0)
        #expect(bad.consoleMessages.contains { $0.contains("undefinedFunction") })
    }
}
