extension ExpressionParser {
    /// Splits expression text into tokens with their scalar offsets. Paths (`vars.a.b`) are one identifier.
    static func tokenize(_ text: String) throws -> [(Token, Int)] {
        let scalars = Array(text.unicodeScalars)
        guard scalars.count <= 2_000 else {
            throw SourceTextError(offset: 0, message: "expression longer than 2000 characters")
        }
        var tokens: [(Token, Int)] = []
        var index = 0
        func isIdentifierScalar(_ scalar: Unicode.Scalar) -> Bool {
            scalar == "_" || scalar == "." || scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
        }
        while index < scalars.count {
            let scalar = scalars[index]
            let start = index
            if scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" {
                index += 1
            } else if ("0"..."9").contains(scalar) {
                while index < scalars.count, ("0"..."9").contains(scalars[index]) || scalars[index] == "." {
                    index += 1
                }
                let text = String(String.UnicodeScalarView(scalars[start..<index]))
                guard let value = Double(text) else {
                    throw SourceTextError(offset: start, message: "bad number `\(text)`")
                }
                tokens.append((.number(value), start))
            } else if scalar == "\"" || scalar == "'" {
                index += 1
                var value = String.UnicodeScalarView()
                var closed = false
                while index < scalars.count {
                    let next = scalars[index]
                    if next == scalar {
                        closed = true
                        index += 1
                        break
                    }
                    if next == "\\", index + 1 < scalars.count {
                        let escaped = scalars[index + 1]
                        // Keep regex escapes (\d, \.) intact; only quotes and backslash are unescaped.
                        if escaped == scalar || escaped == "\\" {
                            value.append(escaped)
                        } else {
                            value.append(next)
                            value.append(escaped)
                        }
                        index += 2
                        continue
                    }
                    value.append(next)
                    index += 1
                }
                guard closed else { throw SourceTextError(offset: start, message: "unclosed string") }
                tokens.append((.string(String(value)), start))
            } else if scalar == "_" || scalar.properties.isAlphabetic {
                while index < scalars.count, isIdentifierScalar(scalars[index]) { index += 1 }
                tokens.append((.identifier(String(String.UnicodeScalarView(scalars[start..<index]))), start))
            } else {
                let two = index + 1 < scalars.count ? String(scalar) + String(scalars[index + 1]) : ""
                if ["==", "!=", "<=", ">=", "&&", "||"].contains(two) {
                    tokens.append((.symbol(two), start))
                    index += 2
                } else if "<>()[],!+-".unicodeScalars.contains(scalar) {
                    tokens.append((.symbol(String(scalar)), start))
                    index += 1
                } else if scalar == "=" {
                    throw SourceTextError(offset: start, message: "`=` is not an operator: write `==` to compare")
                } else {
                    throw SourceTextError(offset: start, message: "unexpected character `\(scalar)`")
                }
            }
        }
        tokens.append((.end, scalars.count))
        return tokens
    }
}
