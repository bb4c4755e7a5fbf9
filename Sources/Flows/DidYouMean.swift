/// Levenshtein distance (small strings only: keys, names).
func editDistance(_ lhs: String, _ rhs: String) -> Int {
    let a = Array(lhs.lowercased().unicodeScalars)
    let b = Array(rhs.lowercased().unicodeScalars)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}

/// `"; did you mean `x`?"` when a candidate is close to `word`, else `""`.
func didYouMean(_ word: String, among candidates: [String]) -> String {
    guard word.count <= 64 else { return "" }
    let limit = max(1, min(3, word.count / 3 + 1))
    let best = candidates.map { ($0, editDistance(word, $0)) }.filter { $0.1 <= limit }.min { $0.1 < $1.1 }
    guard let best else { return "" }
    return "; did you mean `\(best.0)`?"
}
