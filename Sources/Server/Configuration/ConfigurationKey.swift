// Server: one key of the configuration file — its YAML name, how its value is read (strictly, with positions) into
// the settings struct, and, for file and folder paths, how it is resolved against the configuration file's folder.
// The whole file is described by tables of these (`SwitchboardConfiguration+Keys.swift`): adding a key is adding one
// line there (and the property with its default). The docs and sample tests walk the same tables.
import Flows
import Foundation
public import Yams

/// A key of a configuration mapping whose settings are a `Root`.
public struct ConfigurationKey<Root> {
    /// The key as written in the file (snake_case).
    public let name: String
    /// Names of the keys below this one, dotted relative to it ("listen" under "sip"); empty for a value.
    public let children: [String]
    let read: (inout ConfigurationReader, Node, _ what: String, inout Root) -> Void
    let resolve: (inout Root, _ folder: String) -> Void

    public init(
        _ name: String, children: [String] = [],
        read: @escaping (inout ConfigurationReader, Node, _ what: String, inout Root) -> Void,
        resolve: @escaping (inout Root, _ folder: String) -> Void = { _, _ in }
    ) {
        self.name = name
        self.children = children
        self.read = read
        self.resolve = resolve
    }

    /// Every dotted name this key stands for: itself and the keys below it.
    public var allNames: [String] { [name] + children.map { "\(name).\($0)" } }

    // MARK: values

    /// Text, optionally checked (`check` returns the problem, or nil when the value is fine).
    public static func text(
        _ name: String, _ keyPath: WritableKeyPath<Root, String>, check: ((String) -> String?)? = nil
    ) -> Self {
        Self(name) { reader, node, what, root in
            guard let value = reader.text(node, what) else { return }
            if let problem = check?(value) { return reader.error(node, "\(what): \(problem)") }
            root[keyPath: keyPath] = value
        }
    }

    /// Optional text: an empty value (`key:` or `key: ~`) unsets it.
    public static func text(
        _ name: String, _ keyPath: WritableKeyPath<Root, String?>, check: ((String) -> String?)? = nil
    ) -> Self {
        Self(name) { reader, node, what, root in
            if ConfigurationReader.isNull(node) { return root[keyPath: keyPath] = nil }
            guard let value = reader.text(node, what) else { return }
            if let problem = check?(value) { return reader.error(node, "\(what): \(problem)") }
            root[keyPath: keyPath] = value
        }
    }

    /// A file or folder path; a relative one is taken from the configuration file's folder.
    public static func path(_ name: String, _ keyPath: WritableKeyPath<Root, String>) -> Self {
        let key = text(name, keyPath)
        return Self(name, read: key.read) { root, folder in
            root[keyPath: keyPath] = resolvedPath(root[keyPath: keyPath], in: folder)
        }
    }

    /// An optional file or folder path; a relative one is taken from the configuration file's folder.
    public static func path(_ name: String, _ keyPath: WritableKeyPath<Root, String?>) -> Self {
        let key = text(name, keyPath)
        return Self(name, read: key.read) { root, folder in
            root[keyPath: keyPath] = root[keyPath: keyPath].map { resolvedPath($0, in: folder) }
        }
    }

    /// One of a fixed set of words.
    public static func choice(_ name: String, _ keyPath: WritableKeyPath<Root, String>, among allowed: [String]) -> Self {
        Self(name) { reader, node, what, root in
            if let value = reader.choice(node, what, among: allowed) { root[keyPath: keyPath] = value }
        }
    }

    public static func int(_ name: String, _ keyPath: WritableKeyPath<Root, Int>, range: ClosedRange<Int>) -> Self {
        Self(name) { reader, node, what, root in
            if let value = reader.int(node, what, range: range) { root[keyPath: keyPath] = value }
        }
    }

    public static func number(
        _ name: String, _ keyPath: WritableKeyPath<Root, Double>, range: ClosedRange<Double>
    ) -> Self {
        Self(name) { reader, node, what, root in
            if let value = reader.number(node, what, range: range) { root[keyPath: keyPath] = value }
        }
    }

    /// An optional number: an empty value unsets it.
    public static func number(
        _ name: String, _ keyPath: WritableKeyPath<Root, Double?>, range: ClosedRange<Double>
    ) -> Self {
        Self(name) { reader, node, what, root in
            if ConfigurationReader.isNull(node) { return root[keyPath: keyPath] = nil }
            if let value = reader.number(node, what, range: range) { root[keyPath: keyPath] = value }
        }
    }

    public static func bool(_ name: String, _ keyPath: WritableKeyPath<Root, Bool>) -> Self {
        Self(name) { reader, node, what, root in
            if let value = reader.bool(node, what) { root[keyPath: keyPath] = value }
        }
    }

    /// A list of texts, each optionally one of `allowed`.
    public static func texts(
        _ name: String, _ keyPath: WritableKeyPath<Root, [String]>, among allowed: [String]? = nil
    ) -> Self {
        Self(name) { reader, node, what, root in
            if let value = readTexts(&reader, node, what, among: allowed) { root[keyPath: keyPath] = value }
        }
    }

    /// An optional list of texts: an empty value unsets it.
    public static func texts(_ name: String, _ keyPath: WritableKeyPath<Root, [String]?>) -> Self {
        Self(name) { reader, node, what, root in
            if ConfigurationReader.isNull(node) { return root[keyPath: keyPath] = nil }
            if let value = reader.texts(node, what) { root[keyPath: keyPath] = value }
        }
    }

    /// A mapping of names to texts; it replaces the default mapping as a whole.
    public static func textMap(_ name: String, _ keyPath: WritableKeyPath<Root, [String: String]>) -> Self {
        Self(name) { reader, node, what, root in
            if let value = reader.textMap(node, what) { root[keyPath: keyPath] = value }
        }
    }

    // MARK: nested

    /// A section: a mapping read with its own key table; what it omits keeps its defaults.
    public static func section<Section>(
        _ name: String, _ keyPath: WritableKeyPath<Root, Section>, keys: [ConfigurationKey<Section>]
    ) -> Self {
        Self(name, children: keys.flatMap(\.allNames)) { reader, node, what, root in
            reader.read(node, into: &root[keyPath: keyPath], keys: keys, what: what)
        } resolve: { root, folder in
            for key in keys { key.resolve(&root[keyPath: keyPath], folder) }
        }
    }

    /// A list of sections (e.g. one per trunk): each item a mapping read with `keys` over `element()`.
    public static func list<Element>(
        _ name: String, _ keyPath: WritableKeyPath<Root, [Element]>, element: @escaping () -> Element,
        keys: [ConfigurationKey<Element>]
    ) -> Self {
        Self(name, children: keys.flatMap(\.allNames)) { reader, node, what, root in
            if ConfigurationReader.isNull(node) { return root[keyPath: keyPath] = [] }
            guard case .sequence(let sequence) = node else {
                return reader.error(node, "\(what) must be a list, found \(YAMLSource.typeName(node))")
            }
            var items: [Element] = []
            for (index, item) in sequence.enumerated() {
                var value = element()
                reader.read(item, into: &value, keys: keys, what: "\(what)[\(index)]")
                items.append(value)
            }
            root[keyPath: keyPath] = items
        } resolve: { root, folder in
            for index in root[keyPath: keyPath].indices {
                for key in keys { key.resolve(&root[keyPath: keyPath][index], folder) }
            }
        }
    }

    /// A mapping of names to sections (e.g. routes by name), each read with `keys` over `element()`.
    public static func namedSections<Element>(
        _ name: String, _ keyPath: WritableKeyPath<Root, [String: Element]>, element: @escaping () -> Element,
        keys: [ConfigurationKey<Element>]
    ) -> Self {
        Self(name, children: keys.flatMap(\.allNames)) { reader, node, what, root in
            if ConfigurationReader.isNull(node) { return root[keyPath: keyPath] = [:] }
            guard case .mapping(let mapping) = node else {
                return reader.error(node, "\(what) must be a mapping, found \(YAMLSource.typeName(node))")
            }
            var items: [String: Element] = [:]
            for (keyNode, item) in mapping {
                guard let itemName = reader.text(keyNode, "each key of \(what)") else { continue }
                var value = element()
                reader.read(item, into: &value, keys: keys, what: "\(what).\(itemName)")
                items[itemName] = value
            }
            root[keyPath: keyPath] = items
        } resolve: { root, folder in
            for itemName in root[keyPath: keyPath].keys {
                for key in keys {
                    guard var value = root[keyPath: keyPath][itemName] else { continue }
                    key.resolve(&value, folder)
                    root[keyPath: keyPath][itemName] = value
                }
            }
        }
    }

    private static func readTexts(
        _ reader: inout ConfigurationReader, _ node: Node, _ what: String, among allowed: [String]?
    ) -> [String]? {
        guard let allowed else { return reader.texts(node, what) }
        guard case .sequence(let sequence) = node else {
            reader.error(node, "\(what) must be a list, found \(YAMLSource.typeName(node))")
            return nil
        }
        var values: [String] = []
        for item in sequence {
            guard let value = reader.choice(item, "each entry of \(what)", among: allowed) else { return nil }
            values.append(value)
        }
        return values
    }
}

/// `path` taken from `folder` when relative (and not empty: an empty path means "none").
func resolvedPath(_ path: String, in folder: String) -> String {
    guard !path.isEmpty, !path.hasPrefix("/") else { return path }
    let expanded = (path as NSString).expandingTildeInPath
    guard !expanded.hasPrefix("/") else { return expanded }
    return URL(fileURLWithPath: folder, isDirectory: true).appendingPathComponent(path).standardizedFileURL.path
}
