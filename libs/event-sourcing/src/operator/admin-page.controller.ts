import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Controller, Get, Header, Inject, NotFoundException } from '@nestjs/common';
import { resolveHttpOptions, type EventSourcingHttpOptions } from '../http/event-sourcing-http-options';
import { EVENT_SOURCING_HTTP_OPTIONS } from '../http/event-sourcing-http.module-definition';
import { Undocumented } from './openapi-docs';

/**
 * The page allows only itself: its script and style files, and calls to its own origin.
 * No inline script or style, no frames, no forms posted elsewhere.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The page's files, beside the package's `src/` and `dist/` alike. */
const PAGE_DIR = join(__dirname, '..', '..', 'static', 'admin');

/**
 * The admin web page at `/admin`: one HTML file, one ES module and one style sheet, no
 * build step. The page holds no data: it asks for the admin token, keeps it in the
 * tab's `sessionStorage`, and calls the operator routes with it as a bearer token. Off
 * (404) while no admin token is configured, like the routes it calls. @internal
 */
@Undocumented()
@Controller('admin')
export class AdminPageController {
  private readonly enabled: boolean;
  private readonly files = new Map<string, string>();

  constructor(@Inject(EVENT_SOURCING_HTTP_OPTIONS) options: EventSourcingHttpOptions) {
    this.enabled = resolveHttpOptions(options).adminToken !== undefined;
  }

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', CONTENT_SECURITY_POLICY)
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Referrer-Policy', 'no-referrer')
  @Header('Cache-Control', 'no-store')
  page(): string {
    return this.file('index.html', 'GET /admin');
  }

  @Get('admin.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Cache-Control', 'no-cache')
  script(): string {
    return this.file('admin.js', 'GET /admin/admin.js');
  }

  @Get('admin.css')
  @Header('Content-Type', 'text/css; charset=utf-8')
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Cache-Control', 'no-cache')
  style(): string {
    return this.file('admin.css', 'GET /admin/admin.css');
  }

  private file(name: string, route: string): string {
    if (!this.enabled) throw new NotFoundException(`Cannot ${route}`);
    let text = this.files.get(name);
    if (text === undefined) {
      text = readFileSync(join(PAGE_DIR, name), 'utf8');
      this.files.set(name, text);
    }
    return text;
  }
}
