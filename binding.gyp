# torch-lstm via node-gyp: the secondary build route (cmake-js + CMakeLists.txt is the primary one).
# It mirrors CMakeLists.txt: the same sources (globbed here at configure time, so the lists never
# drift), the same LibTorch (scripts/find-libtorch.mjs, shared with CMake), the same defines and the
# same C++ standard (C++17 for LibTorch 1.x, C++20 for 2.x). CMake links native/core as a static
# library into the addon; here both folders compile straight into the one target.
#
# Build it with `npm run build:gyp` (= node scripts/build.mjs --native --gyp), which finds npm's
# bundled node-gyp and the Node headers offline. By hand:
#   node <npm>/node_modules/node-gyp/bin/node-gyp.js rebuild -j 1 --nodedir=<dir>
# --nodedir: node-gyp otherwise DOWNLOADS the Node headers (unless ~/.cache/node-gyp/<version>
# holds them). Offline it needs a dir with include/node/common.gypi; `/usr` works where the Node
# package ships its headers (/usr/include/node, e.g. nodesource's nodejs). This addon uses only
# Node-API, so a minimal dir (node-api-headers' four headers + a small common.gypi) is enough:
# scripts/build.mjs --gyp makes one when no full header tree is found.
# Needs cmake on PATH: the LibTorch flags are read out of a throwaway find_package(Torch) configure
# (cached in build/.torch-gyp-cache.json; `node-gyp rebuild` wipes it, costing a few seconds).
{
  'targets': [
    {
      'target_name': 'torch_lstm',
      # native/core/**/*.cc (CMake's GLOB_RECURSE) and native/addon/*.cc (GLOB), relative to this file.
      'sources': [
        "<!@(node -e \"const fs=require('fs');const cc=(d,deep)=>fs.readdirSync(d,{recursive:deep}).map(f=>String(f).split(require('path').sep).join('/')).filter(f=>f.endsWith('.cc')).map(f=>d+'/'+f).sort();console.log([...cc('native/core',true),...cc('native/addon',false)].join(' '))\")",
      ],
      'include_dirs': [
        'native/core',
        "<!(node -p \"require('node-addon-api').include_dir\")",
        '<!@(node scripts/find-libtorch.mjs --gyp include_dirs --quiet)',
      ],
      'defines': [
        'NAPI_VERSION=8',
        'NODE_ADDON_API_CPP_EXCEPTIONS',
        'NODE_ADDON_API_CPP_EXCEPTIONS_ALL',
        'NODE_ADDON_API_DISABLE_DEPRECATED',
        "TL_ADDON_VERSION=\"<!(node -p \"require('./package.json').version\")\"",
        '<!@(node scripts/find-libtorch.mjs --gyp defines --quiet)',
      ],
      # Node's common.gypi compiles with -fno-rtti -fno-exceptions -std=gnu++17: LibTorch's headers
      # need RTTI and exceptions, and 2.x needs C++20.
      'cflags!': ['-fno-exceptions', '-fno-rtti'],
      'cflags_cc!': ['-fno-exceptions', '-fno-rtti', '-std=gnu++17', '-std=gnu++20'],
      'cflags_cc': [
        '-fexceptions',
        '-frtti',
        '<!(node scripts/find-libtorch.mjs --gyp cxxstd --quiet)',
        '-Wall',
        '-Wno-unused-parameter',
        # CMake force-includes native/core/pch.h into every TU (target_precompile_headers);
        # do the same so both builds see the same code (gyp has no PCH on Linux: slower).
        '-include', '<(module_root_dir)/native/core/pch.h',
        '<!@(node scripts/find-libtorch.mjs --gyp cflags --quiet)',
      ],
      'ldflags': ['<!@(node scripts/find-libtorch.mjs --gyp ldflags --quiet)'],
      'libraries': ['<!@(node scripts/find-libtorch.mjs --gyp libraries --quiet)', '-ldl'],
      'xcode_settings': {
        'GCC_ENABLE_CPP_EXCEPTIONS': 'YES',
        'GCC_ENABLE_CPP_RTTI': 'YES',
        'OTHER_CPLUSPLUSFLAGS': [
          '<!(node scripts/find-libtorch.mjs --gyp cxxstd --quiet)',
          '-include', '<(module_root_dir)/native/core/pch.h',
        ],
      },
    },
  ],
}
