import Foundation
import Testing
import TestSupport
import Tables
import Gating
import FCS
@testable import Plots

/// The gallery on `../shared/study/reference-cohort`: 18 culture tubes and 108 FMO tubes (one per culture and
/// study marker). An FMO tube has ≈ 0 % in its own marker's gate by design; compared with stained samples every one
/// of them was an "outlier".
@Suite("Review gallery on the reference cohort", .needsShared)
struct ReviewGalleryReferenceCohortTests {
    static let templatePath = SharedData.repositoryRoot.appendingPathComponent("gating-templates/mdm-macrophages.json").path

    /// The sheet's tubes with their metadata, read here with the CSV reader.
    static func entries(_ folder: URL) throws -> [ReviewGallery.Entry] {
        let table = try CSVTable(try String(contentsOf: folder.appendingPathComponent("samples.csv"), encoding: .utf8))
        func column(_ name: String) throws -> Int { try #require(table.header.firstIndex(of: name), "\(name)") }
        let (id, file, subject, condition, type, marker) = (try column("sample_id"), try column("fcs_file"), try column("subject_id"),
                                                            try column("condition"), try column("control_type"), try column("control_marker"))
        return table.rows.map { row in
            ReviewGallery.Entry(id: row[id], file: folder.appendingPathComponent(row[file]).path, subject: row[subject], condition: row[condition],
                                controlType: row[type].isEmpty ? nil : row[type], controlMarker: row[marker].isEmpty ? nil : row[marker])
        }
    }

    static func median(_ values: [Double]) -> Double {
        let s = values.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    @Test("outliers: no FMO tube is listed for its own marker, every difference is at least the minimum, FMOs are overlaid")
    func outliersWithinComparableTubes() throws {
        let folder = try #require(SharedData.url("study/reference-cohort"), Comment(rawValue: SharedData.skipMessage))
        let entries = try Self.entries(folder)
        #expect(entries.count == 126 && entries.filter { $0.controlType == "FMO" }.count == 108)
        let text = try String(contentsOfFile: Self.templatePath, encoding: .utf8)
        let gallery = ReviewGallery(template: try TemplateReader.read(text, name: "mdm-macrophages.json"), templateText: text,
                                    entries: entries, jobs: 2, size: 96)
        let out = try TemporaryDirectory()
        let result = try gallery.build(in: out.path("gallery"))
        #expect(result.failures.isEmpty, "\(result.failures)")
        #expect(result.cells.count == 126 * 10)
        #expect(result.firstRun)

        // Each gate's marker, read off the template by hand (the marker gates are "<marker>+").
        let gateMarkers: [String: Set<String>] = ["cells": [], "singlets": [], "live": ["viability"], "macrophages": ["cd14", "cd45"],
                                                  "CD86+": ["cd86"], "CD206+": ["cd206"], "CD163+": ["cd163"], "CD204+": ["cd204"],
                                                  "TLR4+": ["tlr4"], "HLA-DR+": ["hladr"]]
        let byID = Dictionary(uniqueKeysWithValues: entries.map { ($0.id, $0) })
        func markerKey(_ name: String) -> String { name.lowercased().filter { $0.isLetter || $0.isNumber } }
        for outlier in result.flagged {
            let entry = try #require(byID[outlier.sample])
            if let marker = entry.controlMarker {
                #expect(!(gateMarkers[outlier.population] ?? []).contains(markerKey(marker)), "\(outlier.sample) listed for its own marker's gate \(outlier.population)")
            }
            #expect(abs(outlier.percent - outlier.median) >= 2, "\(outlier.sample) \(outlier.population): \(outlier.percent) vs \(outlier.median)")
        }

        // The same rule computed here from the cells: kinds by control type and marker, own-marker gates left out.
        var expected: Set<String> = []
        var oldRule: Set<String> = []
        for (gate, markers) in gateMarkers {
            let cells = result.cells.filter { $0.population == gate }
            var groups: [String: [(String, Double)]] = [:]
            for cell in cells {
                guard let percent = cell.percent, let entry = byID[cell.sample] else { continue }
                if let marker = entry.controlMarker, markers.contains(markerKey(marker)) { continue }
                groups[entry.controlMarker.map { "FMO " + markerKey($0) } ?? "stained", default: []].append((cell.sample, percent))
            }
            for values in groups.values where values.count >= 3 {
                let median = Self.median(values.map(\.1)), mad = Self.median(values.map { abs($0.1 - median) })
                for (sample, value) in values where abs(value - median) > 3 * mad && abs(value - median) >= 2 { expected.insert("\(gate) \(sample)") }
            }
            // The rule before: every tube together, median ± 3 MAD.
            let all = cells.compactMap(\.percent), median = Self.median(all), mad = Self.median(all.map { abs($0 - median) })
            for cell in cells { if let p = cell.percent, abs(p - median) > 3 * mad, mad > 0 { oldRule.insert("\(gate) \(cell.sample)") } }
        }
        #expect(Set(result.flagged.map { "\($0.population) \($0.sample)" }) == expected)
        // What the old rule did on this cohort: the FMO CD206 tubes (≈ 0 % CD206+) flooded the list.
        #expect(oldRule.contains { $0.hasPrefix("CD206+ ") && $0.hasSuffix("_FMO_CD206") }, "the cohort shows the flood the rule prevents")
        #expect(!result.flagged.contains { $0.population == "CD206+" && $0.sample.hasSuffix("_FMO_CD206") })

        // Each culture's marker histograms overlay its FMO tube of the same subject and condition.
        for marker in ["CD206", "CD86", "HLA-DR"] {
            let cell = try #require(result.cells.first { $0.sample == "SSC01_UT" && $0.population == "\(marker)+" })
            #expect(cell.controls == ["SSC01_UT_FMO_\(marker.replacingOccurrences(of: "-", with: ""))"], "\(marker): \(String(describing: cell.controls))")
            #expect(cell.legend?.contains { $0.style == "line" && $0.label.contains("SSC01_UT_FMO_") } == true)
            #expect(cell.y?.label == "% of events per bin")
        }
        // The gallery's image (the FMO's values kept from the first pass) is the plot of both tubes gated afresh.
        let template = try TemplateReader.read(text, name: "mdm-macrophages.json")
        func session(_ id: String) throws -> GatingSession {
            let sample = try FCSFile.readSample(try #require(byID[id]).file)
            return try GatingSession(strategy: template.strategy(for: sample), sample: sample)
        }
        let fresh = try GatePlot(session: try session("SSC01_UT"), population: "CD206+", size: 96,
                                 controls: [try GatePlot.Control(label: "FMO", session: try session("SSC01_UT_FMO_CD206"), population: "CD206+")])
        let cell = try #require(result.cells.first { $0.sample == "SSC01_UT" && $0.population == "CD206+" })
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: out.path("gallery/" + cell.image)))) == fresh.png())
        // Sample metadata is on the pages and filterable.
        let index = try String(contentsOfFile: out.path("gallery/index.html"), encoding: .utf8)
        #expect(index.contains("data-subject=\"SSC01\"") && index.contains("data-kind=\"FMO CD206\""))
        #expect(index.contains("<form id=\"filters\">") && index.contains("<option value=\"SERUM_RUX\">"))
    }
}
