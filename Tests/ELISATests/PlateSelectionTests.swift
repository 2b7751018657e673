import Foundation
import Testing
import TestSupport
@testable import ELISA

/// Files holding several plates: choosing one, a clear error naming a few when none is chosen, and `--list`.
@Suite("Plate selection and listing")
struct PlateSelectionTests {
    static let plates = (1...1980).map { PlateRead(name: "kinetic#\($0)", wavelengths: (600, nil), wells: ["A1": .init(measurement: Double($0))]) }

    @Test("several plates and no name: several_plates, how many, a few names, on one short line")
    func severalPlates() {
        do {
            _ = try PlateRead.select(Self.plates, name: nil, file: "kinetic.xlsx")
            Issue.record("expected an error")
        } catch let error as ELISAError {
            #expect(error.code == .severalPlates)
            #expect(error.message.contains("1980 plates") && error.message.contains("kinetic#1, kinetic#2, kinetic#3, …, kinetic#1980"))
            #expect(!error.message.contains("kinetic#4,") && error.description.count < 300, "\(error.description.count)")
            #expect(error.message.contains("--list"))
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test("a name picks its plate (full name or number); an unknown name is unknown_plate")
    func byName() throws {
        #expect(try PlateRead.select(Self.plates, name: "kinetic#17", file: "k").wells["A1"]?.measurement == 17)
        #expect(try PlateRead.select(Self.plates, name: "990", file: "k").wells["A1"]?.measurement == 990)
        #expect(throws: ELISAError.self) { try PlateRead.select(Self.plates, name: "2000", file: "k") }
        do { _ = try PlateRead.select(Self.plates, name: "2000", file: "k") } catch let error as ELISAError { #expect(error.code == .unknownPlate) }
        // A single plate takes the name it is given.
        #expect(try PlateRead.select([Self.plates[0]], name: "run 3", file: "k").name == "run 3")
    }

    @Test("the listing: a header and one line per plate with wavelengths, wells, overflow, not read and label")
    func listing() {
        let plate = PlateRead(name: "p", wavelengths: (450, 570), wells: ["A1": .init(measurement: 1, reference: 0.1),
                                                                           "A2": .init(measurement: nil, text: "OVRFLW", status: .overflow),
                                                                           "A3": .init(measurement: nil, text: "MISSED", status: .notRead)],
                              label: "Label1/Label2 450/570 nm")
        #expect(PlateRead.listing([plate]) == ["plate\twavelengths_nm\twells\toverflow\tnot_read\tlabel", "p\t450/570\t3\t1\t1\tLabel1/Label2 450/570 nm"])
    }

    @Test("SoftMax Pro PlateFormat on a 384-well plate: 16 rows of 24 columns, two wavelengths")
    func softMax384() throws {
        var lines = ["##BLOCKS= 1",
                     "Plate:\tPlate1\t1.3\tPlateFormat\tEndpoint\tAbsorbance\tRaw\tFALSE\t1\t\t\t\t\t\t2\t450 650 \t1\t24\t384\t1\t16\t\t",
                     "\tTemperature(¡C)\t" + (1...24).map(String.init).joined(separator: "\t") + "\t\t" + (1...24).map(String.init).joined(separator: "\t")]
        let rows = Array("ABCDEFGHIJKLMNOP")
        for r in 0..<16 {
            // Measurement r.cc, reference 0.0cc: P24 reads 15.24 and 0.024.
            let measurement = (1...24).map { "\(r).\(String(format: "%02d", $0))" }
            let reference = (1...24).map { "0.0\(String(format: "%02d", $0))" }
            lines.append("\t\(r == 0 ? "22.5" : "")\t" + measurement.joined(separator: "\t") + "\t\t" + reference.joined(separator: "\t"))
        }
        lines.append("~End")
        let plates = try PlateRead.read(Data(lines.joined(separator: "\r\n").utf8), file: "smp384.txt")
        #expect(plates.count == 1)
        let plate = try #require(plates.first)
        #expect(plate.wells.count == 384)
        #expect(plate.wavelengths.measurement == 450 && plate.wavelengths.reference == 650)
        #expect(plate.wells["P24"]?.measurement == 15.24 && plate.wells["P24"]?.reference == 0.024)
        #expect(plate.wells["A13"]?.measurement == 0.13 && plate.wells["\(rows[8])1"]?.measurement == 8.01)
    }
}
