FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir --only-binary=:all: -r requirements.txt
RUN pip3 install --only-binary :all: gunicorn
COPY . .
CMD ["gunicorn", "app:app"]
