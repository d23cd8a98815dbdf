// Writes media/<key>-<theme>.svg from src/icons.ts (compiled to out/ by tsc).
'use strict';
const fs = require('fs');
const path = require('path');
const { DECORATION_KEYS } = require('../out/src/model');
const { THEMES, iconSvg, iconFile } = require('../out/src/icons');

const media = path.join(__dirname, '..', 'media');
fs.mkdirSync(media, { recursive: true });
for (const key of DECORATION_KEYS) {
  for (const theme of THEMES) {
    fs.writeFileSync(path.join(media, iconFile(key, theme)), iconSvg(key, theme));
  }
}
console.log(`wrote ${DECORATION_KEYS.length * THEMES.length} icons to ${media}`);
