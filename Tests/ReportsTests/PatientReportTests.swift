import Foundation
import Tables
import Testing
import TestSupport
import Batch
import Gating
@testable import Reports

@Suite("Per-patient marker report")
struct PatientReportTests {
    /// A batch folder holding two samples of one subject and one of another.
    static func batchFolder() throws -> TemporaryDirectory {
        let folder = try TemporaryDirectory()
        func row(_ id: String, _ subject: String, _ condition: String, _ marker: String, _ mfi: String, _ delta: String, _ pos: String, _ flags: String = "") -> [String] {
            [id, subject, condition, "macrophages", marker, "PE-A", "3240", mfi, "1", "1", "1", "700", "FMO p99 (type 7)", "\(id)_FMO", "200", delta, "2", pos, flags]
        }
        let rows = [
            row("P1_RUX", "P1", "RUX", "CD163", "4267.5", "4039.1", "55.9"),
            row("P1_RUX", "P1", "RUX", "CD86", "1952.25", "1721.5", "52.32", "TOO_FEW_EVENTS"),
            row("P1_UT", "P1", "UT", "CD163", "9530.125", "9310.75", "70.37"),
            row("P1_UT", "P1", "UT", "CD86", "2757", "2521", "55.71"),
            row("P2_UT", "P2", "UT", "CD163", "1", "1", "1"),
        ]
        try Data(csvTable(header: MarkerReadout.header, rows: rows)).write(to: folder.url.appendingPathComponent("markers.csv"))
        try Data(csvTable(header: BatchResult.qcHeader, rows: [["P1_RUX", "f", "1", "5000", "", "", "", "", "TOO_FEW_EVENTS:macrophages"]]))
            .write(to: folder.url.appendingPathComponent("qc.csv"))
        return folder
    }

    @Test("untreated beside treated, marker by marker, with counts and flags")
    func markdown() throws {
        let folder = try Self.batchFolder()
        let report = try PatientReport(batch: folder.url.path, subject: "P1")
        #expect(report.conditions == ["UT", "RUX"])
        #expect(report.markers == ["CD163", "CD86"])
        let text = report.markdown()
        #expect(text.contains("| CD163 | macrophages | 9530 | 9311 | 70.37 | 3240 | 4268 | 4039 | 55.9 | 3240 |"))
        #expect(text.contains("RUX: TOO_FEW_EVENTS"))
        #expect(text.contains("- RUX: P1_RUX — QC: TOO_FEW_EVENTS:macrophages"))
        #expect(!text.contains("P2_UT"))
    }

    @Test("HTML: full-precision values in each cell's title, every row present, text escaped")
    func html() throws {
        let folder = try Self.batchFolder()
        let html = try PatientReport(batch: folder.url.path, subject: "P1").html()
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains(#"<td title="9530.125">9530</td>"#))
        #expect(html.contains(#"<td title="1721.5">1722</td>"#))
        #expect(html.components(separatedBy: "<tr><td class=\"name\">").count - 1 == 2)
        #expect(html.components(separatedBy: "<td").count == html.components(separatedBy: "</td>").count)
    }

    @Test("an unknown subject or a folder without markers.csv is a clear error")
    func errors() throws {
        let folder = try Self.batchFolder()
        #expect { try PatientReport(batch: folder.url.path, subject: "P9") } throws: { "\($0)".contains("subjects: P1, P2") }
        #expect { try PatientReport(batch: "/nonexistent", subject: "P1") } throws: { "\($0)".contains("markers.csv") }
    }

    @Test("condition order: each untreated condition before its ruxolitinib partner")
    func order() {
        #expect(PatientReport.displayOrder(["SERUM_RUX", "RUX", "UT", "SERUM"]) == ["SERUM", "SERUM_RUX", "UT", "RUX"])
    }
}

@Suite("A damaged markers.csv")
struct DamagedMarkersTests {
    @Test("a short row is an error naming the line, not a crash")
    func shortRow() throws {
        let folder = try TemporaryDirectory()
        try (MarkerReadout.header.joined(separator: ",") + "\nP1_UT,P1,UT,macrophages\n").write(to: folder.url.appendingPathComponent("markers.csv"), atomically: false, encoding: .utf8)
        #expect { try PatientReport(batch: folder.url.path, subject: "P1") } throws: { "\($0)".contains("line 2: expected 19 cells, found 4") }
    }
}
