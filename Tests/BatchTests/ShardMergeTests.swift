import Testing
@testable import Batch

/// `merge` checks the shard each `run.json` records before it reads a table: a hand-edited run.json is a listed
/// problem, never a trap or an unbounded list.
@Suite("Shard merge: what run.json records")
struct ShardMergeTests {
    static func run(_ shard: String, events: Int = 10) -> [String: Any] { ["options": ["shard": shard], "events": events] }

    static func problems(_ runs: [[String: Any]]) -> [String] {
        do {
            _ = try ShardMergeError.check(folders: runs.indices.map { "s\($0 + 1)" }, runs: runs)
            return []
        } catch let error as ShardMergeError {
            return error.problems
        } catch {
            return ["not a ShardMergeError: \(error)"]
        }
    }

    @Test("shards 1/2 and 2/2 merge, their events added")
    func complete() throws {
        let merged = try ShardMergeError.check(folders: ["a", "b"], runs: [Self.run("1/2", events: 7), Self.run("2/2", events: 5)])
        #expect(merged["events"] as? Int == 12)
    }

    @Test("a shard of 0, a negative count, k above n or n above 10,000 is a problem naming the folder (1/0 trapped on an empty range)",
          arguments: ["1/0", "1/-2", "3/2", "0/2", "1/10001", "1/9223372036854775807", "1//2"])
    func badShard(_ shard: String) {
        #expect(Self.problems([Self.run(shard)]) == ["s1: run.json's shard '\(shard)' is not k/n with 1 ≤ k ≤ n ≤ 10000"])
    }

    @Test("missing shards are named up to 20, then counted: 1/10000 alone misses 9,999")
    func missingShards() {
        let expected = "missing shards " + (2...21).map { "\($0)/10000" }.joined(separator: ", ") + " and 9979 more"
        #expect(Self.problems([Self.run("1/10000")]) == [expected])
    }

    @Test("events that would overflow when added are a problem, not a trap")
    func eventsOverflow() {
        #expect(Self.problems([Self.run("1/2", events: Int.max), Self.run("2/2", events: 1)])
                == ["s2: run.json's events 1 bring the shards' events beyond 9223372036854775807"])
        #expect(Self.problems([Self.run("1/2", events: -3), Self.run("2/2")]) == ["s1: run.json's events -3 is not a count of events"])
    }

    @Test("batch --shard and merge read k/n alike")
    func parse() throws {
        #expect(try #require(BatchOptions.shard("2/4")) == (2, 4))
        #expect(try #require(BatchOptions.shard("10000/10000")) == (10_000, 10_000))
        #expect(BatchOptions.shard("2/4/8") == nil && BatchOptions.shard("a/4") == nil && BatchOptions.shard("") == nil)
    }

    @Test("a library caller's shard outside 1 ≤ k ≤ n ≤ 10,000 stops the process at once, not with a division by zero later",
          arguments: [(1, 0), (0, 2), (3, 2), (1, 10_001)])
    func invalidShard(index: Int, count: Int) async {
        await #expect(processExitsWith: .failure) { [index, count] in _ = BatchOptions(jobs: 1, shard: (index, count)) }
        await #expect(processExitsWith: .failure) { [index, count] in
            var options = BatchOptions(jobs: 1)
            options.shard = (index, count)
        }
    }
}
