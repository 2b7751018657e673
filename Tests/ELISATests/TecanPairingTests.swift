import Foundation
import Testing
@testable import ELISA

/// Tecan i-control endpoint workbooks with two absorbance labels (a measurement and a reference wavelength) give
/// one plate, as the Magellan exports do: built here, as no bundled i-control file has two labels.
@Suite("Tecan i-control: two absorbance labels pair into one plate")
struct TecanPairingTests {
    static func cell(_ reference: String, _ text: String) -> String {
        let escaped = text.replacing("&", with: "&amp;").replacing("<", with: "&lt;").replacing(">", with: "&gt;")
        return Double(text) != nil ? #"<c r="\#(reference)"><v>\#(text)</v></c>"# : #"<c r="\#(reference)" t="inlineStr"><is><t>\#(escaped)</t></is></c>"#
    }

    /// One Mode/Wavelength action per label, then each label's title and its `<>` matrix (rows B and C, columns 1–2).
    static func workbook(_ labels: [(title: String, nanometres: Int, b: [String], c: [String])]) throws -> Data {
        var rows: [[String]] = [["Application: Tecan i-control"]]
        for label in labels {
            rows.append(["Mode", "", "", "", "Absorbance"])
            rows.append(["Wavelength", "", "", "", "\(label.nanometres)"])
        }
        for label in labels {
            rows.append([label.title])
            rows.append(["<>", "1", "2"])
            rows.append(["B"] + label.b)
            rows.append(["C"] + label.c)
            rows.append([])
        }
        let xml = rows.enumerated().map { r, cells in
            "<row r=\"\(r + 1)\">" + cells.enumerated().filter { !$0.element.isEmpty }.map { k, text in
                Self.cell("\(["A", "B", "C", "D", "E"][k])\(r + 1)", text)
            }.joined() + "</row>"
        }.joined()
        return try WorkbookLimitTests.workbook(rows: xml)
    }

    @Test("450 nm and 620 nm labels: one plate, measurement and reference per well; OVER is overflow, '*' not read")
    func pairedLabels() throws {
        let data = try Self.workbook([("Label1", 450, ["0.812", "OVER"], ["1.204", "*"]),
                                      ("Label2", 620, ["0.041", "0.043"], ["0.045", "0.040"])])
        let plates = try PlateRead.read(data, file: "icontrol.xlsx")
        #expect(plates.count == 1)
        let plate = try #require(plates.first)
        #expect(plate.wavelengths.measurement == 450 && plate.wavelengths.reference == 620)
        #expect(plate.label == "Label1/Label2 450/620 nm")
        #expect(plate.wells["B1"] == PlateRead.Reading(measurement: 0.812, reference: 0.041))
        #expect(plate.wells["C1"] == PlateRead.Reading(measurement: 1.204, reference: 0.045))
        #expect(plate.wells["B2"]?.status == .overflow && plate.wells["B2"]?.text == "OVER")
        #expect(plate.wells["C2"]?.status == .notRead && plate.wells["C2"]?.text == "*")
    }

    @Test("two labels at one wavelength are two plates, not a measurement and a reference")
    func sameWavelength() throws {
        let data = try Self.workbook([("Label1", 450, ["0.8", "0.9"], ["1.2", "1.3"]), ("Label2", 450, ["0.7", "0.6"], ["1.1", "1.0"])])
        let plates = try PlateRead.read(data, file: "icontrol.xlsx")
        #expect(plates.map(\.label) == ["Label1 450 nm", "Label2 450 nm"])
        #expect(plates.allSatisfy { $0.wavelengths.reference == nil })
        #expect(plates.map { $0.wells["B1"]?.measurement } == [0.8, 0.7])
    }
}
