import { describe, expect, it } from 'vitest';
import { configProblems, loadConfig } from './config.js';

describe('the address people use (PUBLIC_URL)', () => {
  it('defaults a local bind to http://localhost, a name WebAuthn accepts as its relying-party id', () => {
    for (const HOST of [undefined, '127.0.0.1', '0.0.0.0', '::1']) {
      const config = loadConfig({ PORT: '8080', ...(HOST ? { HOST } : {}) });
      expect(config.publicUrl).toBe('http://localhost:8080');
      // The same server stays reachable (and may make changes) as 127.0.0.1.
      expect(config.allowedOrigins).toEqual(expect.arrayContaining(['http://localhost:8080', 'http://127.0.0.1:8080']));
      expect(configProblems(config)).toEqual([]);
    }
  });

  it('keeps an explicit PUBLIC_URL and its origin alone', () => {
    const config = loadConfig({ PORT: '8080', PUBLIC_URL: 'https://parley.example.org/' });
    expect(config.publicUrl).toBe('https://parley.example.org');
    expect(config.allowedOrigins).toEqual(['https://parley.example.org']);
    expect(configProblems(config)).toEqual([]);
  });

  it('explains an IP address in PUBLIC_URL, and suggests localhost for a loopback one', () => {
    const [local] = configProblems(loadConfig({ PORT: '8080', PUBLIC_URL: 'http://127.0.0.1:8080' }));
    expect(local).toContain('browsers refuse passkeys on an IP address');
    expect(local).toContain('http://localhost:8080');
    const [remote] = configProblems(loadConfig({ PORT: '8080', PUBLIC_URL: 'https://192.0.2.7' }));
    expect(remote).toContain('IP address 192.0.2.7');
    expect(remote).toContain('a host name');
    expect(configProblems(loadConfig({ PORT: '8080', HOST: '::1', PUBLIC_URL: 'http://[::1]:8080' }))[0]).toContain(
      'IP address [::1]',
    );
  });

  it('explains a PUBLIC_URL whose host or port does not match where Parley listens', () => {
    const [port] = configProblems(loadConfig({ PORT: '8080', PUBLIC_URL: 'http://localhost:3000' }));
    expect(port).toContain('port 3000');
    expect(port).toContain('listens on 8080');
    const [plain] = configProblems(loadConfig({ PORT: '8080', PUBLIC_URL: 'http://parley.example.org' }));
    expect(plain).toContain('https://');
    const [path] = configProblems(loadConfig({ PORT: '8080', PUBLIC_URL: 'https://parley.example.org/app' }));
    expect(path).toContain('without a path');
  });
});
