import Testing
@testable import Tools
import SwitchboardCore

@Suite struct JSONSchemaValidatorTests {
    let validator = JSONSchemaValidator()

    static let accountSchema: JSONValue = [
        "type": "object",
        "properties": [
            "phone": ["type": "string", "pattern": "^\\+[0-9]{8,15}$"],
            "pin": ["type": "string", "minLength": 4, "maxLength": 6],
            "amount": ["type": "number", "minimum": 0, "maximum": 1000],
            "count": ["type": "integer"],
            "kind": ["enum": ["billing", "support"]],
            "tags": ["type": "array", "items": ["type": "string"], "maxItems": 2],
            "note": ["type": ["string", "null"]],
            "flag": ["type": "boolean"],
        ],
        "required": ["phone"],
        "additionalProperties": false,
    ]

    static let argumentCases: [(String, [String])] = [
        (#"{"phone":"+15550100001"}"#, []),
        (#"{"phone":15550100001}"#, ["/phone: expected string, got integer"]),
        (#"{}"#, ["/phone: required property missing"]),
        (#"{"phone":"555"}"#, [#"/phone: does not match pattern ^\+[0-9]{8,15}$"#]),
        (#"{"phone":"+15550100001","pin":"12"}"#, ["/pin: shorter than 4 characters"]),
        (#"{"phone":"+15550100001","pin":"1234567"}"#, ["/pin: longer than 6 characters"]),
        (#"{"phone":"+15550100001","amount":-1}"#, ["/amount: less than minimum 0"]),
        (#"{"phone":"+15550100001","amount":1000.5}"#, ["/amount: greater than maximum 1000"]),
        (#"{"phone":"+15550100001","amount":12.5,"count":3}"#, []),
        (#"{"phone":"+15550100001","count":3.5}"#, ["/count: expected integer, got number"]),
        (#"{"phone":"+15550100001","count":3.0}"#, []),
        (#"{"phone":"+15550100001","kind":"sales"}"#, [#"/kind: must be one of "billing", "support""#]),
        (#"{"phone":"+15550100001","tags":["a",2,"c"]}"#, ["/tags: more than 2 items", "/tags/1: expected string, got integer"]),
        (#"{"phone":"+15550100001","note":null,"flag":false}"#, []),
        (#"{"phone":"+15550100001","flag":"yes"}"#, ["/flag: expected boolean, got string"]),
        (#"{"phone":"+15550100001","extra":1}"#, ["/extra: unexpected property"]),
        (#"[1]"#, ["/: expected object, got array"]),
    ]

    @Test(arguments: argumentCases)
    func validatesArguments(json: String, expected: [String]) throws {
        let value = try JSONValue.parse(json)
        let found = validator.validate(value, against: Self.accountSchema).map(\.description)
        #expect(found == expected)
    }

    @Test func pointersEscapeSlashAndTilde() throws {
        let schema: JSONValue = ["type": "object", "properties": ["a/b~c": ["type": "string"]]]
        let found = validator.validate(try JSONValue.parse(#"{"a/b~c":1}"#), against: schema)
        #expect(found.map(\.pointer) == ["/a~1b~0c"])
    }

    static let schemaCases: [(String, [String])] = [
        (#"{"type":"object","properties":{"x":{"type":"string"}}}"#, []),
        (#"{"type":"strin"}"#, ["/type: type must be one of array, boolean, integer, null, number, object, string, or a list of them"]),
        (#"{"type":"object","properties":{"x":{"type":"string","oneOf":[]}}}"#, [#"/properties/x/oneOf: unsupported schema keyword "oneOf""#]),
        (#"{"type":"object","required":["y"],"properties":{}}"#, [#"/required: required property "y" is not declared in properties"#]),
        (#"{"type":"object","properties":{"x":{"type":"string","minLength":-1}}}"#, ["/properties/x/minLength: minLength must be a non-negative integer"]),
        (#"{"type":"object","properties":{"x":{"type":"string","minLength":5,"maxLength":2}}}"#, ["/properties/x/minLength: minLength is greater than maxLength"]),
        (#"{"type":"object","properties":{"x":{"type":"string","pattern":"(a+)+$"}}}"#, ["/properties/x/pattern: pattern nested unbounded quantifiers (such as (a+)+) can take exponential time"]),
        (#"{"type":"object","properties":{"x":{"type":"string","pattern":"(["}}}"#, ["/properties/x/pattern: pattern not a valid regular expression"]),
        (#"{"type":"object","properties":{"x":{"enum":[]}}}"#, ["/properties/x/enum: enum must be a non-empty list"]),
        (#"{"type":"object","properties":{"x":{"type":"array","items":{"type":"nope"}}}}"#, ["/properties/x/items/type: type must be one of array, boolean, integer, null, number, object, string, or a list of them"]),
        (#"{"type":"object","properties":[]}"#, ["/properties: properties must be an object of schemas"]),
        (#""string""#, ["/: a schema must be an object"]),
    ]

    @Test(arguments: schemaCases)
    func checksSchemas(json: String, expected: [String]) throws {
        let found = validator.checkSchema(try JSONValue.parse(json)).map(\.description)
        #expect(found == expected)
    }

    @Test func toolParametersMustBeAnObjectSchema() throws {
        let problems = validator.checkToolParameters(["type": "string"])
        #expect(problems.map(\.description) == [#"/type: tool parameters must be of type "object""#])
        for tool in BuiltinTool.allCases {
            #expect(validator.checkToolParameters(tool.defaultParameters(routes: ["billing"])).isEmpty)
        }
    }

    @Test func catastrophicPatternIsRefusedAtValidationToo() throws {
        let schema: JSONValue = ["type": "string", "pattern": "^(a|aa)*(b+)+$"]
        let subject = String(repeating: "a", count: 40) + "c"
        let clock = ContinuousClock()
        let started = clock.now
        let found = validator.validate(.string(subject), against: schema)
        #expect(clock.now - started < .seconds(1))
        #expect(found.first?.message.hasPrefix("pattern refused") == true)
    }

    @Test func longSubjectsAreNotRunThroughPatterns() {
        let schema: JSONValue = ["type": "string", "pattern": "^a"]
        let found = validator.validate(.string(String(repeating: "a", count: 5000)), against: schema)
        #expect(found.count == 1)
        #expect(found[0].message.contains("too long"))
    }

    @Test func jsonTextRoundTripsWithSortedKeys() throws {
        let value = try JSONValue.parse(#"{"b":[1,2.5,true,null,"x\"y\n"],"a":{"z":-3}}"#)
        #expect(value.jsonText == #"{"a":{"z":-3},"b":[1,2.5,true,null,"x\"y\n"]}"#)
        #expect(try JSONValue.parse(value.jsonText) == value)
    }

    @Test(arguments: ["{", "{\"a\":}", "nul", "", String(repeating: "[", count: 100) + String(repeating: "]", count: 100)])
    func badJSONThrows(text: String) {
        #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse(text) }
    }
}
