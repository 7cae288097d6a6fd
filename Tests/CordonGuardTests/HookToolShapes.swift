import CordonJSON
import Testing

/// Tool inputs and outputs in the shapes Claude Code really sends (its hooks reference and
/// tool schemas), with `%AWS%`, `%MAIL%` and `%GHP%` where a fake value goes.
enum HookToolShapes {
    /// One fixture: a tool, its input and its output, and the content strings that hold values.
    struct Fixture: CustomTestStringConvertible, Sendable {
        var name: String
        var toolName: String
        var input: String
        var output: String
        var testDescription: String { name }
    }

    static let outputs: [Fixture] = [
        Fixture(
            name: "Bash", toolName: "Bash",
            input: #"{"command":"cat .env","description":"Show the env file","timeout":120000}"#,
            output: #"{"stdout":"AWS_ACCESS_KEY_ID=%AWS%\nOWNER=%MAIL%\n","stderr":"warning: mail %MAIL%","interrupted":false,"isImage":false}"#),
        Fixture(
            name: "Bash with a persisted output", toolName: "Bash",
            input: #"{"command":"./dump.sh","description":"Dump"}"#,
            output: #"{"stdout":"token %GHP% and more","stderr":"","interrupted":false,"isImage":false,"persistedOutputPath":"/tmp/claude/out-1.txt","persistedOutputSize":48211}"#),
        Fixture(
            name: "Read", toolName: "Read",
            input: #"{"file_path":"/repo/config/app.env"}"#,
            output: #"{"type":"text","file":{"filePath":"/repo/config/app.env","content":"KEY=%AWS%\nADMIN=%MAIL%\n","numLines":2,"startLine":1,"totalLines":2}}"#),
        Fixture(
            name: "Edit", toolName: "Edit",
            input: #"{"file_path":"/repo/app.py","old_string":"KEY = None","new_string":"KEY = \"%AWS%\"","replace_all":false}"#,
            output: #"{"filePath":"/repo/app.py","oldString":"KEY = None","newString":"KEY = \"%AWS%\"","originalFile":"import os\nKEY = None\n","structuredPatch":[{"oldStart":2,"oldLines":1,"newStart":2,"newLines":1,"lines":["-KEY = None","+KEY = \"%AWS%\""]}],"userModified":false,"replaceAll":false}"#),
        Fixture(
            name: "Write", toolName: "Write",
            input: #"{"file_path":"/repo/.env","content":"TOKEN=%GHP%\n"}"#,
            output: #"{"type":"create","filePath":"/repo/.env","content":"TOKEN=%GHP%\n","structuredPatch":[],"originalFile":null}"#),
        Fixture(
            name: "Grep", toolName: "Grep",
            input: #"{"pattern":"AKIA","path":"/repo","output_mode":"content","-n":true}"#,
            output: #"{"mode":"content","numFiles":1,"filenames":[],"content":"src/aws.ts:3:const id = '%AWS%'","numLines":1}"#),
        Fixture(
            name: "WebFetch", toolName: "WebFetch",
            input: #"{"url":"https://docs.example.test/page","prompt":"Summarise"}"#,
            output: #"{"bytes":5123,"code":200,"codeText":"OK","result":"The page lists the contact %MAIL% and the key %AWS%.","durationMs":812,"url":"https://docs.example.test/page"}"#),
        Fixture(
            name: "MCP tool", toolName: "mcp__crm__lookup",
            input: #"{"customer":"acme","limit":5}"#,
            output: #"{"content":[{"type":"text","text":"Owner: %MAIL%, deploy key %GHP%"}],"structuredContent":{"owner":"%MAIL%","seats":12,"active":true},"isError":false}"#),
    ]

    static let inputs: [Fixture] = [
        Fixture(name: "Bash", toolName: "Bash", input: #"{"command":"curl -u admin:%GHP% https://api.example.test","description":"Call the API","timeout":30000,"run_in_background":false}"#, output: "null"),
        Fixture(name: "Write", toolName: "Write", input: #"{"file_path":"/repo/.env","content":"AWS_ACCESS_KEY_ID=%AWS%\n"}"#, output: "null"),
        Fixture(name: "Edit", toolName: "Edit", input: #"{"file_path":"/repo/a.py","old_string":"x = 1","new_string":"MAIL = '%MAIL%'","replace_all":false}"#, output: "null"),
        Fixture(name: "MCP tool", toolName: "mcp__mail__send", input: #"{"to":"%MAIL%","subject":"hello","retries":3,"urgent":false}"#, output: "null"),
    ]
}
