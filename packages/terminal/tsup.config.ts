import { defineConfig } from 'tsup';
import { privateBuild } from '../../tsup.shared.js';

export default defineConfig(privateBuild());
