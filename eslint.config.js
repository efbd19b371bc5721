// Lint: typescript-eslint with type information. The room rules keep src/law pure: it imports no other room
// of the project and no Node module (no I/O), and reads no clock; src/documents imports only law's types.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const otherRooms = [
  "impact",
  "documents",
  "breaches",
  "requests",
  "records",
  "assessments",
  "regulator",
  "platform",
  "cli",
  "web",
];

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "coverage/", "bin/", "eslint.config.js"] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/switch-exhaustiveness-check": "error",
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
      "@typescript-eslint/consistent-type-imports": "error",
    },
  },
  {
    files: ["src/law/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: otherRooms
                .flatMap((room) => [`**/${room}`, `**/${room}/**`])
                .concat(["../index.js", "../../index.js"]),
              message: "src/law is the pure law room: it may not import any other room of the project.",
            },
            { group: ["node:*"], message: "src/law does no I/O: it may not import Node modules." },
          ],
          paths: [
            "fs",
            "fs/promises",
            "path",
            "os",
            "child_process",
            "net",
            "http",
            "https",
            "crypto",
            "process",
          ].map((name) => ({ name, message: "src/law does no I/O: it may not import Node modules." })),
        },
      ],
      "no-restricted-syntax": [
        "error",
        {
          selector: "MemberExpression[object.name='Date'][property.name='now']",
          message: "src/law reads no clock: pass the time in.",
        },
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: "src/law reads no clock: pass the time in.",
        },
        {
          selector: "MemberExpression[object.name='process']",
          message: "src/law does not read the process environment.",
        },
      ],
    },
  },
  {
    // ARCHITECTURE.md: documents is pure rendering (data in, bytes out) and imports only the law room's types.
    files: ["src/documents/**/*.ts"],
    ignores: ["src/documents/**/*.test.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: otherRooms
                .filter((room) => room !== "documents")
                .flatMap((room) => [`**/${room}`, `**/${room}/**`]),
              message:
                "src/documents renders data it is given: it may not import another room of the project.",
            },
            {
              group: ["**/law", "**/law/**"],
              allowTypeImports: true,
              message: "src/documents may import only the law room's types.",
            },
          ],
        },
      ],
    },
  },
  {
    // ARCHITECTURE.md: the web desk talks to the server only over the public API; it may read the law's types.
    files: ["src/web/**/*.ts", "src/web/**/*.tsx"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: otherRooms
                .filter((room) => room !== "web")
                .flatMap((room) => [`**/${room}`, `**/${room}/**`])
                // The law's vocabulary (category lists: no rules, no schemas) is shared as values too.
                .concat(["**/law/*", "!**/law/vocabulary.js", "**/law/*/**"]),
              allowTypeImports: true,
              message:
                "src/web talks to the server over the HTTP API: it may import only types from other rooms (and the law's vocabulary).",
            },
          ],
        },
      ],
      // `onChange={(e) => update(...)}` is how React handlers read.
      "@typescript-eslint/no-confusing-void-expression": ["error", { ignoreArrowShorthand: true }],
    },
  },
  {
    files: ["src/law/**/*.test.ts"],
    rules: { "no-restricted-imports": "off" },
  },
  {
    // Tests read untyped JSON responses; the assertions themselves check the shapes.
    files: ["**/*.test.ts", "test/**/*.ts"],
    rules: {
      "@typescript-eslint/no-non-null-assertion": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      "@typescript-eslint/no-unsafe-call": "off",
    },
  },
);
