// Shared by the plate harnesses: read every plate a file holds; only typed ELISAErrors may come back.
import Foundation

func fuzzReadPlates(_ data: Data, file: String) {
    do {
        let plates = try PlateRead.read(data, file: file)
        // Every reading that comes back is usable: no non-finite number passes the reader.
        for plate in plates {
            for (well, reading) in plate.wells {
                precondition(Well.normalise(well) == well, "\(file): a well name that is not a well: \(well)")
                precondition(reading.measurement?.isFinite ?? true, "\(file): non-finite measurement in \(well)")
                precondition(reading.reference?.isFinite ?? true, "\(file): non-finite reference in \(well)")
            }
        }
    } catch is ELISAError {
    } catch {
        fatalError("\(file): an error that is not an ELISAError: \(error)")
    }
}
