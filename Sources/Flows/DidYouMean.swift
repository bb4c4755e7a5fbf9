/// Edit distance counting insertions, deletions, substitutions and swaps of neighbours as one edit
/// (optimal string alignment). Small strings only: keys and names.
func editDistance(_ lhs: String, _ rhs: String) -> Int {
    let a = Array(lhs.lowercased().unicodeScalars)
    let b = Array(rhs.lowercased().unicodeScalars)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in 0...a.count { table[i][0] = i }
    for j in 0...b.count { table[0][j] = j }
    for i in 1...a.count {
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
            if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
            }
        }
    }
    return table[a.count][b.count]
}

/// `"; did you mean `x`?"` when a candidate is close to `word`, else `""`.
public func didYouMean(_ word: String, among candidates: [String]) -> String {
    guard word.count <= 64 else { return "" }
    let limit = max(1, min(3, word.count / 3))
    let best = candidates.map { ($0, editDistance(word, $0)) }
        .filter { $0.1 <= limit && $0.1 < word.count && $0.1 < $0.0.count }
        .min { $0.1 < $1.1 }
    let prefixed = word.count >= 3 ? candidates.first { $0.hasPrefix(word) || word.hasPrefix($0) && $0.count >= 3 } : nil
    guard let best = best ?? prefixed.map({ ($0, 0) }) else { return "" }
    return "; did you mean `\(best.0)`?"
}
