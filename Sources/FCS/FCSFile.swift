/// An FCS file: one or more data sets chained by `$NEXTDATA`.
public struct FCSFile: Sendable {
    /// The path as given.
    public var path: String
    /// Size of the file on disk, in bytes.
    public var byteCount: Int
    /// Whether the file was gzip-compressed.
    public var wasCompressed: Bool
    /// The data sets in chain order (at least one).
    public var dataSets: [Sample]

    /// Reads every data set of the file at `path` (events too, unless `options.readEvents` is false).
    public static func read(_ path: String, options: FCSReadOptions = .strict) throws -> FCSFile {
        try FCSReader(path: path, options: options).readAll()
    }

    /// Reads the data set numbered `dataSet` (1-based; the first by default) of the file at `path`.
    /// `onDiskBytes` is shown the file's bytes as stored, once, while they are mapped (to hash them without a
    /// second read).
    public static func readSample(_ path: String, dataSet: Int = 1, options: FCSReadOptions = .strict,
                                  onDiskBytes: ((UnsafeRawBufferPointer) -> Void)? = nil) throws -> Sample {
        try FCSReader(path: path, options: options, onDiskBytes: onDiskBytes).read(dataSet: dataSet)
    }

    /// Reads an FCS file held in memory, inflating it first when it is gzip (`name` is used in errors).
    public static func read(bytes: [UInt8], name: String = "<memory>", options: FCSReadOptions = .strict) throws -> FCSFile {
        do {
            return try FCSReader(bytes: FileBytes.inMemory(bytes, options: options), name: name, options: options).readAll()
        } catch let error as FCSError {
            throw error.inFile(name)
        }
    }
}
