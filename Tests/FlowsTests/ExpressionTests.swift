import Foundation
import Testing
@testable import Flows
import SwitchboardCore

@Suite struct ExpressionTests {
    static let context = EvaluationContext(
        roots: [
            "caller": .object(["number": .string("+4915112345678"), "name": .string("Ada")]),
            "vars": .object([
                "n": .number(3), "digits": .string("12"), "tier": .string("gold"), "empty": .string(""),
                "tags": .array([.string("vip"), .string("beta")]),
            ]),
        ],
        now: Date(timeIntervalSince1970: 0), hours: [:])

    static let cases: [(String, JSONValue)] = [
        ("1 == 1", .bool(true)),
        ("vars.n > 2 and vars.n < 4", .bool(true)),
        ("vars.n >= 4 or not vars.empty", .bool(true)),
        ("vars.digits == 12", .bool(true)),  // DTMF strings compare with numbers
        ("vars.tier in [\"gold\", \"platinum\"]", .bool(true)),
        ("vars.tier not in ['gold']", .bool(false)),
        ("\"vip\" in vars.tags", .bool(true)),
        ("caller.number matches \"^\\+49\"", .bool(true)),
        ("caller.number matches '^\\+1'", .bool(false)),
        ("vars.n + 2 - 1", .number(4)),
        ("vars.missing == null", .bool(true)),
        ("!(vars.n == 3) || caller.name == \"Ada\"", .bool(true)),
        ("\"abc\" < \"abd\"", .bool(true)),
        ("business_hours(\"office\")", .bool(false)),  // unknown at runtime → closed
    ]

    @Test(arguments: 0..<14)
    func evaluates(_ index: Int) throws {
        let (text, expected) = Self.cases[index]
        let expression = try ExpressionParser.parse(text).get()
        #expect(Self.context.evaluate(expression) == expected, "\(text)")
    }

    static let errors: [(String, Int, String)] = [
        ("vars.x ==", 9, "expected a value but found end of expression"),
        ("vars.x = 1", 7, "`=` is not an operator: write `==` to compare"),
        ("(vars.x == 1", 12, "expected `)` but found end of expression"),
        ("foo.bar == 1", 0, "unknown name `foo`"),
        ("varz.x", 0, "unknown name `varz`; did you mean `vars`?"),
        ("vars.x matches vars.y", 15, "`matches` needs a quoted regular expression"),
        ("vars.x matches \"(a*)*\"", 15, "nested quantifiers like `(a+)+` are not allowed in `matches` (they can take exponential time)"),
        ("vars.x matches \"(a)\\1\"", 15, "back-references are not allowed in `matches`"),
        ("vars.x matches \"[\"", 15, "invalid regular expression \"[\""),
        ("\"open", 0, "unclosed string"),
        ("vars.x # 1", 7, "unexpected character `#`"),
        ("open", 4, "`open` is a function: write open(\"hours name\")"),
        ("1 2", 2, "unexpected number 2"),
    ]

    @Test(arguments: 0..<13)
    func reportsErrorsWithColumn(_ index: Int) {
        let (text, offset, message) = Self.errors[index]
        guard case .failure(let error) = ExpressionParser.parse(text) else {
            Issue.record("\(text) should not parse")
            return
        }
        #expect(error.offset == offset, "\(text)")
        #expect(error.message == message, "\(text)")
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let text = String(repeating: "(", count: 5_000) + "1" + String(repeating: ")", count: 5_000)
        guard case .failure(let error) = ExpressionParser.parse(text) else {
            Issue.record("should fail")
            return
        }
        #expect(error.message.contains("longer than 2000") || error.message.contains("nested too deeply"))
        let notChain = String(repeating: "not ", count: 400) + "true"
        #expect((try? ExpressionParser.parse(notChain).get()) == nil)
    }

    @Test func regexSubjectIsBounded() throws {
        let expression = try ExpressionParser.parse("vars.long matches \"^(ab|a)c$\"").get()
        var roots = Self.context.roots
        roots["vars"] = .object(["long": .string(String(repeating: "ab", count: 50_000) + "c")])
        let context = EvaluationContext(roots: roots, now: Date(timeIntervalSince1970: 0), hours: [:])
        #expect(context.evaluate(expression) == .bool(false))  // cut to 1000 characters, so no match
    }
}

@Suite struct TemplateTests {
    @Test func rendersPathsAndText() {
        let (template, errors) = Template.parse("Hi {{ caller.name }}, plan {{vars.account.plan}}{{vars.none}}!")
        #expect(errors.isEmpty)
        let rendered = template.render { path in
            switch path.description {
            case "caller.name": return .string("Ada")
            case "vars.account.plan": return .string("gold")
            default: return nil
            }
        }
        #expect(rendered == "Hi Ada, plan gold!")
        #expect(template.paths.map(\.1) == [5, 29, 50])
    }

    @Test func reportsEveryProblemWithOffset() {
        let (_, errors) = Template.parse("a {{}} b {{1x}} c {{vars.ok}} d {{ open")
        #expect(errors == [
            SourceTextError(offset: 4, message: "empty placeholder `{{}}` in template"),
            SourceTextError(offset: 11, message: "`1x` is not a variable path in template"),
            SourceTextError(offset: 32, message: "unclosed `{{` in template"),
        ])
    }

    @Test func numbersRenderWithoutFraction() {
        #expect(JSONValue.number(42).templateText == "42")
        #expect(JSONValue.number(2.5).templateText == "2.5")
        #expect(JSONValue.object(["b": .bool(true), "a": .null]).jsonText == "{\"a\":null,\"b\":true}")
        #expect((try? JSONValue.parse("{\"x\":[1,true,\"s\",null]}")) == .object(["x": .array([.number(1), .bool(true), .string("s"), .null])]))
    }
}
