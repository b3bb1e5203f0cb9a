import { describe, expect, it } from 'vitest'
import type { FileProgress } from '../lib/transfer/types.ts'
import { folderText, summarizeTree } from './tree-summary.ts'

const file = (index: number, size: number, path?: string): FileProgress => ({
  index,
  name: path?.split('/').at(-1) ?? `loose-${index}`,
  ...(path === undefined ? {} : { path }),
  size,
  type: '',
  bytesDone: 0,
  verified: false,
})

describe('summarizeTree', () => {
  it('groups files under their top folder and keeps loose files apart', () => {
    const files = [
      file(0, 10, 'photos/a.jpg'),
      file(1, 0, 'photos/2024/deep/empty.txt'),
      file(2, 5),
      file(3, 7, 'music/x.mp3'),
    ]
    const summary = summarizeTree(files, ['photos/nothing', 'photos/2024/none', 'bare'])
    expect(summary.folders).toEqual([
      { name: 'photos', files: 2, bytes: 10, emptyFolders: 2 },
      { name: 'music', files: 1, bytes: 7, emptyFolders: 0 },
      { name: 'bare', files: 0, bytes: 0, emptyFolders: 0 },
    ])
    expect(summary.loose).toEqual([files[2]])
    expect(summary.folders.map(folderText)).toEqual([
      'photos/ (2 files, 2 empty folders)',
      'music/ (1 file)',
      'bare/ (empty)',
    ])
  })

  it('has no folders for loose files only', () => {
    expect(summarizeTree([file(0, 1), file(1, 2)]).folders).toEqual([])
  })
})
