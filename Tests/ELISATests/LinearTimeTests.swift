import Foundation
import Testing
import TestSupport
@testable import ELISA

/// Readers run in time linear in their input: shapes that made a loop run over a wide header for every short
/// line (or a wide corner row for every plate row) finish in about a second instead of billions of steps.
@Suite("Readers run in linear time")
struct LinearTimeTests {
    @Test("SoftMax TimeFormat: a 200,000-well header with 20,000 one-cell lines")
    func softMaxWideHeader() throws {
        let wavelengths = (0..<20_000).map { _ in "450" }.joined(separator: " ")
        var text = "##BLOCKS= 1\nPlate:\tP\t1.3\tTimeFormat\tEndpoint\tAbsorbance\tRaw\tFALSE\t1\t\t\t\t\t\t20000\t\(wavelengths)\t1\t12\t96\t1\t8\n"
        text += "\t\t" + String(repeating: "A1\t", count: 200_000) + "\n"
        text += String(repeating: "\t\t0.5\n", count: 20_000) + "~End\n"
        let start = Date()
        let plates = try PlateRead.read(Data(text.utf8), file: "wide.txt")
        #expect(plates.first?.wells["A1"]?.measurement == 0.5)
        #expect(Date().timeIntervalSince(start) < 10, "\(Date().timeIntervalSince(start)) s")
    }

    @Test("SkanIt: an 'Abs' corner row 16,384 cells wide over 60,000 one-cell plate rows")
    func skanItWideCorner() throws {
        var rows = "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>Abs</t></is></c><c r=\"B1\"><v>1</v></c><c r=\"XFD1\"><v>2</v></c></row>"
        rows += "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>A</t></is></c><c r=\"B2\"><v>0.25</v></c></row>"
        rows += (3...60_000).map { "<row r=\"\($0)\"><c r=\"A\($0)\" t=\"inlineStr\"><is><t>B</t></is></c></row>" }.joined()
        let data = try WorkbookLimitTests.workbook(rows: rows)
        let start = Date()
        let plates = try PlateRead.read(data, file: "wide.xlsx")
        #expect(plates.first?.wells["A1"]?.measurement == 0.25)
        #expect(Date().timeIntervalSince(start) < 10, "\(Date().timeIntervalSince(start)) s")
    }
}
