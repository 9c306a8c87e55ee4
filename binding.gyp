{
  # Names no source, define, flag or variant of its own: scripts/native-config.js is the one
  # description, which CMakeLists.txt reads too (test/native-config.test.ts compares both).
  # What stays here is node-gyp's own: removing its default -fno-exceptions and -std=gnu++*.
  "targets": [
    {
      "target_name": "kiln",
      "sources": ["<!@(node scripts/native-config.js sources kiln)"],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "<!(node scripts/find-eigen.js)"
      ],
      "defines": ["<!@(node scripts/native-config.js defines kiln)"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17", "-std=gnu++20"],
      "cflags_cc": ["<!@(node scripts/native-config.js cflags kiln)"],
      "ldflags": ["<!@(node scripts/native-config.js ldflags kiln)"],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "OTHER_CPLUSPLUSFLAGS": ["<!@(node scripts/native-config.js cflags kiln)"]
      },
      "msvs_settings": { "VCCLCompilerTool": { "ExceptionHandling": 1 } }
    },
    {
      "target_name": "kiln_cpu",
      "sources": ["<!@(node scripts/native-config.js sources kiln_cpu)"],
      "defines": ["<!@(node scripts/native-config.js defines kiln_cpu)"],
      "cflags_cc!": ["-std=gnu++17", "-std=gnu++20"],
      "cflags_cc": ["<!@(node scripts/native-config.js cflags kiln_cpu)"],
      "ldflags": ["<!@(node scripts/native-config.js ldflags kiln_cpu)"],
      "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["<!@(node scripts/native-config.js cflags kiln_cpu)"] }
    }
  ]
}
