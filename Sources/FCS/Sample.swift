/// One data set of an FCS file: its keywords, its parameters and its events, one column per channel.
///
/// A value type: copying a sample is cheap (the columns share immutable storage) and a sample never changes
/// behind your back. Stored values are what the file holds after the integer bitmask; ``scaleValues(_:)``
/// gives the values gates and statistics use (see `Sample+Scale.swift`).
public struct Sample: Sendable {
    /// The file the sample was read from (as given to the reader).
    public var file: String
    /// 1-based position of this data set in the `$NEXTDATA` chain.
    public var dataSet: Int
    /// The HEADER as read.
    public var header: FCSHeader
    /// TEXT and supplemental TEXT keywords.
    public var keywords: Keywords
    /// Keywords of the ANALYSIS segment, if any.
    public var analysis: Keywords
    /// The parameters, in `$Pn` order.
    public var parameters: [Parameter]
    /// The stored values, one column per parameter.
    public var columns: [ChannelValues]
    /// Absolute byte range of the DATA segment that was decoded.
    public var dataSegment: Segment?
    /// Every deviation from the standard that the reader worked around.
    public var repairs: [Repair]

    /// Creates a sample from its parts (the writer and the simulator build samples this way).
    public init(file: String = "", dataSet: Int = 1, header: FCSHeader? = nil, keywords: Keywords,
                analysis: Keywords = Keywords(), parameters: [Parameter], columns: [ChannelValues],
                dataSegment: Segment? = nil, repairs: [Repair] = []) {
        self.file = file
        self.dataSet = dataSet
        self.header = header ?? FCSHeader(version: "3.1", text: nil, data: nil, analysis: nil, raw: "")
        self.keywords = keywords
        self.analysis = analysis
        self.parameters = parameters
        self.columns = columns
        self.dataSegment = dataSegment
        self.repairs = repairs
    }

    /// The FCS version from the HEADER.
    public var version: String { header.version }
    /// Number of events.
    public var eventCount: Int { columns.first?.count ?? 0 }
    /// `$CYT`, or the acquisition software from `$CREATOR`/`CREATOR` when `$CYT` is missing.
    public var cytometer: String? {
        keywords["$CYT"] ?? keywords["$CREATOR"] ?? keywords["CREATOR"]
    }

    /// The index of the parameter called `channel`: matched on `$PnN` first, then on `$PnS`.
    public func parameterIndex(_ channel: String) -> Int? {
        if let byName = parameters.firstIndex(where: { $0.name == channel }) { return byName }
        return parameters.firstIndex { $0.marker == channel }
    }

    /// The stored values of `channel` ($PnN, then $PnS).
    public func values(_ channel: String) throws -> ChannelValues {
        guard let index = parameterIndex(channel) else {
            throw FCSError(.unknownChannel, file: file, keyword: channel,
                           expected: "a channel named by $PnN or $PnS (\(parameters.map(\.name).joined(separator: ", ")))")
        }
        return columns[index]
    }
}
