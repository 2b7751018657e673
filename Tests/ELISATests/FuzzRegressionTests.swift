import Foundation
import Testing
import TestSupport
import ZIPFoundation
@testable import ELISA

/// Replays every input that fuzzing (scripts/fuzz.sh with the ELISA targets) or review found, with the harnesses'
/// checks: a typed ELISAError or plates whose wells are real wells with finite readings. Inputs live in
/// `FuzzRegressions/<Target>/` next to this file (our own minimised inputs, never copies of ../shared).
@Suite("Fuzzing regressions")
struct FuzzRegressionTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("FuzzRegressions")

    static func inputs(_ target: String) -> [URL] {
        let directory = folder.appendingPathComponent(target)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { !$0.hasPrefix(".") && $0 != "README.md" }.sorted().map { directory.appendingPathComponent($0) }
    }

    /// What the plate harnesses check: typed errors only, real wells, finite readings.
    static func replayPlate(_ data: Data, file: String, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            for plate in try PlateRead.read(data, file: file) {
                for (well, reading) in plate.wells {
                    #expect(Well.normalise(well) == well, "\(file): \(well)", sourceLocation: sourceLocation)
                    #expect(reading.measurement?.isFinite ?? true, "\(file): \(well)", sourceLocation: sourceLocation)
                    #expect(reading.reference?.isFinite ?? true, "\(file): \(well)", sourceLocation: sourceLocation)
                }
            }
        } catch is ELISAError {
        } catch {
            Issue.record("\(file): an error that is not an ELISAError: \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test("every recorded plate input (text and xlsx) is read or refused with a typed error")
    func plates() throws {
        for url in Self.inputs("PlateText") + Self.inputs("PlateXLSX") {
            var data = try Data(contentsOf: url)
            // Structured workbook inputs (0x01 + sheet XML + NUL + shared strings) are packed as the harness does.
            if url.path.contains("/PlateXLSX/"), data.first == 0x01 {
                let body = data.dropFirst()
                let split = body.firstIndex(of: 0) ?? body.endIndex
                data = try WorkbookLimitTests.workbook(rows: "", sharedStrings: nil, rawSheet: Data(body[body.startIndex..<split]),
                                                       rawSharedStrings: split < body.endIndex ? Data(body[(split + 1)...]) : nil)
            }
            Self.replayPlate(data, file: url.lastPathComponent)
        }
    }

    @Test("every recorded layout input is read or refused with a typed error")
    func layouts() throws {
        for url in Self.inputs("Layout") {
            do {
                _ = try PlateLayout.csv(String(decoding: try Data(contentsOf: url), as: UTF8.self), file: url.lastPathComponent)
            } catch is ELISAError {
            } catch {
                Issue.record("\(url.lastPathComponent): \(error)")
            }
        }
    }

    @Test("column headers that are not plate columns (1e300, NaN, 99999, -5, 30) give no trap and no made-up wells")
    func columnHeaders() throws {
        // SkanIt: an 'Abs' grid whose column headers are floats; Int(1e300) used to trap.
        let skanIt = try WorkbookLimitTests.workbook(rows: """
            <row r="1"><c r="A1" t="inlineStr"><is><t>Wavelength: 450 nm</t></is></c></row>
            <row r="2"><c r="A2" t="inlineStr"><is><t>Abs</t></is></c><c r="B2"><v>1</v></c><c r="C2"><v>1e300</v></c><c r="D2" t="inlineStr"><is><t>NaN</t></is></c><c r="E2"><v>2.5</v></c></row>
            <row r="3"><c r="A3" t="inlineStr"><is><t>A</t></is></c><c r="B3"><v>0.5</v></c><c r="C3"><v>0.6</v></c><c r="D3"><v>0.7</v></c><c r="E3"><v>0.8</v></c></row>
            """)
        let plate = try #require(try PlateRead.read(skanIt, file: "skanit.xlsx").first)
        #expect(plate.wells.keys.sorted() == ["A1"] && plate.wells["A1"]?.measurement == 0.5 && plate.wavelengths.measurement == 450)
        // i-control endpoint: '<>' matrix with column numbers 1, 99999 and -5.
        let iControl = try WorkbookLimitTests.workbook(rows: """
            <row r="1"><c r="A1" t="inlineStr"><is><t>Application: Tecan i-control</t></is></c></row>
            <row r="2"><c r="A2" t="inlineStr"><is><t>Mode</t></is></c><c r="E2" t="inlineStr"><is><t>Absorbance</t></is></c></row>
            <row r="3"><c r="A3" t="inlineStr"><is><t>Wavelength</t></is></c><c r="E3"><v>450</v></c></row>
            <row r="4"><c r="A4" t="inlineStr"><is><t>Label1</t></is></c></row>
            <row r="5"><c r="A5" t="inlineStr"><is><t>&lt;&gt;</t></is></c><c r="B5"><v>1</v></c><c r="C5"><v>99999</v></c><c r="D5"><v>-5</v></c></row>
            <row r="6"><c r="A6" t="inlineStr"><is><t>B</t></is></c><c r="B6"><v>0.25</v></c><c r="C6" t="inlineStr"><is><t>OVER</t></is></c><c r="D6"><v>0.3</v></c></row>
            """)
        let endpoint = try #require(try PlateRead.read(iControl, file: "icontrol.xlsx").first)
        #expect(endpoint.wells.keys.sorted() == ["B1"] && endpoint.wells["B1"]?.measurement == 0.25)
        #expect(endpoint.wavelengths.measurement == 450 && endpoint.label == "Label1 450 nm")
        // MARS: a value in column 30 is an error naming the line, not a well 'A30'.
        let mars = "Raw Data (450)\n,1,2\nA," + (1...30).map { "0.\($0)" }.joined(separator: ",") + "\n"
        do {
            _ = try PlateRead.read(Data(mars.utf8), file: "mars.csv")
            Issue.record("expected an error")
        } catch let error as ELISAError {
            #expect(error.code == .badWell && error.place == "line 3" && error.message.contains("column 25"))
        }
    }
}
