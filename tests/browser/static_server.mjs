// A small static server for the built console (console/dist) under /console/, as sharedstore
// will serve it (console.static_dir): hashed assets by path, index.html for the app's own routes,
// nothing outside the folder. Loopback only, on a port the kernel picks.
import { readFile, stat } from 'node:fs/promises'
import { createServer } from 'node:http'
import path from 'node:path'

const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
}

async function fileIn(dir, relative) {
  const full = path.resolve(dir, '.' + path.posix.normalize('/' + relative))
  if (!full.startsWith(dir + path.sep)) return null
  try {
    return (await stat(full)).isFile() ? full : null
  } catch {
    return null
  }
}

/** Serves `dir` at /console/; resolves to { url, close }. */
export async function serveConsole(dir) {
  const root = path.resolve(dir)
  const server = createServer(async (request, response) => {
    const { pathname } = new URL(request.url ?? '/', 'http://localhost')
    if (!pathname.startsWith('/console/')) {
      response.writeHead(404).end()
      return
    }
    const relative = decodeURIComponent(pathname.slice('/console/'.length))
    // A path with an extension is a file; anything else is one of the app's routes.
    const file = (await fileIn(root, relative)) ?? (path.extname(relative) ? null : path.join(root, 'index.html'))
    if (!file) {
      response.writeHead(404).end()
      return
    }
    const body = await readFile(file)
    response.writeHead(200, { 'Content-Type': types[path.extname(file)] ?? 'application/octet-stream' }).end(body)
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address()
  return {
    url: `http://127.0.0.1:${port}/console/`,
    close: () => new Promise((resolve) => server.close(resolve)),
  }
}
