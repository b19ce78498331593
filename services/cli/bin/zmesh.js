#!/usr/bin/env node
// Thin launcher so the bin exists before the first build; the CLI itself is compiled from src/.
import "../dist/src/main.js";
