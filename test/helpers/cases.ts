// The reference cases of ../shared/cases (empty when the folder is not beside the checkout).
import { existsSync, readFileSync } from 'node:fs';

export interface Case {
  id: string;
  model: string;
  fisher: string[][] | null;
  closed_form: boolean;
  constants: Record<string, number>;
  check_points: Array<Record<string, number>>;
  reference_at_points?: number[][][];
}

const url = new URL('../../../shared/cases/cases.json', import.meta.url);
export const cases: Case[] = existsSync(url) ? (JSON.parse(readFileSync(url, 'utf8')) as Case[]) : [];
