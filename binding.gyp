{
  # Builds the same sources with the same flags as CMakeLists.txt: both ask
  # scripts/native-config.js for the source list and the -march flag of $KILN_VARIANT.
  # -ffp-contract=off: a*b+c fused into an FMA in scalar code but not in Eigen's vector code
  # made results depend on a buffer's alignment (where Eigen's vector loop starts); see
  # README, Determinism.
  "targets": [
    {
      "target_name": "kiln",
      "sources": ["<!@(node scripts/native-config.js sources)"],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "<!(node scripts/find-eigen.js)"
      ],
      "defines": [
        "NAPI_VERSION=8",
        "NODE_ADDON_API_CPP_EXCEPTIONS",
        "NODE_ADDON_API_CPP_EXCEPTIONS_ALL",
        "NODE_ADDON_API_DISABLE_DEPRECATED",
        "EIGEN_DONT_PARALLELIZE",
        "EIGEN_MPL2_ONLY",
        "NDEBUG"
      ],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17", "-std=gnu++20"],
      "cflags_cc": ["-std=c++17", "-O3", "-ffp-contract=off", "-Wno-maybe-uninitialized", "-fexceptions", "-fvisibility=hidden", "<!@(node scripts/native-config.js arch)"],
      "ldflags": ["-pthread", "-static-libstdc++", "-static-libgcc"],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "OTHER_CPLUSPLUSFLAGS": ["-O3", "-ffp-contract=off"]
      },
      "msvs_settings": { "VCCLCompilerTool": { "ExceptionHandling": 1 } }
    }
  ]
}
