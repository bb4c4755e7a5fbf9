/// A small RFC 4180 CSV reader: a header row, then records; quoted fields may hold commas, quotes (`""`) and
/// line breaks; `\r\n` or `\n` line ends. Used to seed the demo accounts database.
public struct CSVTable: Sendable, Hashable {
    public var header: [String]
    public var rows: [[String]]

    public struct ParseError: Error, CustomStringConvertible, Sendable, Equatable {
        public let line: Int
        public let message: String
        public var description: String { "line \(line): \(message)" }
    }

    public init(parsing text: String) throws(ParseError) {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var inQuotes = false
        var fieldWasQuoted = false
        var line = 1
        var iterator = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = iterator.next()
        func finishRecord() {
            record.append(field)
            if !(record.count == 1 && record[0].isEmpty && !fieldWasQuoted) { records.append(record) }
            record = []
            field = ""
            fieldWasQuoted = false
        }
        while let scalar = pending {
            pending = iterator.next()
            if inQuotes {
                if scalar == "\"" {
                    if pending == "\"" {
                        field.unicodeScalars.append("\"")
                        pending = iterator.next()
                    } else {
                        inQuotes = false
                    }
                } else {
                    if scalar == "\n" { line += 1 }
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"":
                guard field.isEmpty, !fieldWasQuoted else {
                    throw ParseError(line: line, message: "stray quote inside an unquoted field")
                }
                inQuotes = true
                fieldWasQuoted = true
            case ",":
                record.append(field)
                field = ""
                fieldWasQuoted = false
            case "\r":
                if pending == "\n" { pending = iterator.next() }
                finishRecord()
                line += 1
            case "\n":
                finishRecord()
                line += 1
            default:
                guard !fieldWasQuoted else {
                    throw ParseError(line: line, message: "text after a closing quote")
                }
                field.unicodeScalars.append(scalar)
            }
        }
        if inQuotes { throw ParseError(line: line, message: "unterminated quoted field") }
        if !field.isEmpty || !record.isEmpty || fieldWasQuoted { finishRecord() }
        guard let first = records.first else { throw ParseError(line: 1, message: "no header row") }
        header = first.map { $0.trimmingWhitespace() }
        rows = Array(records.dropFirst())
        for (index, row) in rows.enumerated() where row.count != header.count {
            throw ParseError(
                line: index + 2, message: "expected \(header.count) fields, found \(row.count)")
        }
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars = scalars.dropFirst() }
        while let last = scalars.last, last.isWhitespace { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
