import Testing
import Tables

@Suite("Short lists in messages")
struct ShortListTests {
    @Test("the first items, then how many more; a list within the limit is shown whole")
    func shortLists() {
        #expect(shortList(["a", "b", "c", "d", "e"], first: 3) == "a, b, c and 2 more")
        #expect(shortList(["a", "b", "c"], first: 3) == "a, b, c")
        #expect(shortList([String](), first: 3) == "")
        #expect(shortList((1...10_000).lazy.map { "\($0)/10000" }, first: 2) == "1/10000, 2/10000 and 9998 more")
    }
}
